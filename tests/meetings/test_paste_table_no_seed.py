"""A table pasted from Excel (tab-separated cells) becomes a table."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetings.models import Material
from meetings.text import render_markdown, tabs_to_markdown
from tests import factories

EXCEL = "接種券の発送状況\n市町村\t発送日\t対象者数\n富山市\t1月14日\t12,000\n高岡市\t1月20日\t8|500\n\n以上"


def test_tab_separated_lines_become_a_markdown_table():
    text = tabs_to_markdown(EXCEL)
    assert text.splitlines() == [
        "接種券の発送状況",
        "",
        "| 市町村 | 発送日 | 対象者数 |",
        "|---|---|---|",
        "| 富山市 | 1月14日 | 12,000 |",
        "| 高岡市 | 1月20日 | 8\\|500 |",
        "",
        "以上",
    ]
    html = render_markdown(text)
    assert "<table>" in html and "<th>市町村</th>" in html and "<td>8|500</td>" in html
    # Already a table: unchanged.
    assert tabs_to_markdown(text) == text


def test_ragged_rows_are_padded_and_one_tabbed_line_stays_text():
    assert tabs_to_markdown("a\tb\tc\r\nd\r\n") == "a\tb\tc\nd\n"
    assert tabs_to_markdown("前\n\n\n後") == "前\n\n\n後"
    text = tabs_to_markdown("名称\t値\n総数\n甲\t1\t注\n乙\t2")
    assert "| 甲 | 1 | 注 |" in text and "| 乙 | 2 |  |" in text


@pytest.mark.django_db
def test_the_material_form_stores_a_pasted_table(client, secretariat_user):
    meeting = factories.make_meeting()
    material = factories.make_material(meeting=meeting, text="")
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:meetings_material_change", args=[material.pk]),
        {
            "meeting": meeting.pk,
            "series": "main",
            "order": 1,
            "title": material.title,
            "content": "text",
            "section_kind": "",
            "text": EXCEL,
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert "| 富山市 | 1月14日 | 12,000 |" in Material.objects.get().text


def test_a_body_s_headings_are_renumbered_from_a_level_with_no_gap():
    from meetings.text import headings_from

    html = '<h4 class="x">規則</h4><p>h4</p><h3>表</h3><H6>注</H6><h4>推移</h4>'
    assert headings_from(html, 2) == (
        '<h2 class="x">規則</h2><p>h4</p><h2>表</h2><h3>注</h3><h3>推移</h3>'
    )
    assert headings_from("<p>見出しなし</p>", 2) == "<p>見出しなし</p>"
