"""資料4 as packet sections."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetings import sections
from meetings.models import Material
from tests import factories

pytestmark = pytest.mark.django_db


def test_vaccination_sections_are_registered():
    booster = sections.registry["vaccination.booster"]
    assert booster.landscape is True
    assert sections.registry["vaccination.grid"].landscape is True
    assert sections.registry["vaccination.rules"].landscape is False
    assert {"vaccination.venues", "vaccination.notices"} <= set(sections.registry)


def test_seed_material_4_prints_the_whole_of_shiryo_4(seed):
    material = seed.materials.get(section_kind="vaccination.booster")
    html = sections.render(material)
    parts = [
        "○当初示されていた追加接種の接種間隔（令和3年11月16日付国事務連絡）",
        "・医療従事者及び高齢者施設の入所者等は、接種間隔を2カ月前倒しし、6カ月に短縮できる",
        "県特設会場の対応",
        "各市町村におかれては、迅速な接種に向け、さらなる前倒しへのご協力をお願いしたい。",
        "追加接種のワクチン供給計画",
        "← 1月前倒し可",
        "以下、参考資料",
        "（1月13日 後藤茂之厚労相 ぶら下がり会見）",
        "接種会場間の新型コロナウイルスワクチンの融通等に関する調整",
    ]
    positions = [html.index(part) for part in parts]
    assert positions == sorted(positions)
    assert html.count("<thead>") == 5
    assert html.count("table-layout: fixed") == 5
    assert "<script" not in html
    assert "http" not in html


def test_material_page_shows_the_section(client, seed, viewer_user):
    material = seed.materials.get(section_kind="vaccination.booster")
    client.force_login(viewer_user)
    response = client.get(reverse("meetings:material_detail", args=[seed.pk, 4]))
    assert response.status_code == 200
    assert material.content == Material.Content.SECTION
    assert "県西部会場（ホテルニューオータニ高岡）" in response.content.decode()


@pytest.mark.parametrize(
    "key",
    [
        "vaccination.rules",
        "vaccination.venues",
        "vaccination.grid",
        "vaccination.notices",
    ],
)
def test_each_partial_section_renders(vaccination_data, key):
    meeting = factories.make_meeting()
    material = Material(
        meeting=meeting, content=Material.Content.SECTION, section_kind=key
    )
    html = sections.render(material)
    assert "<section" in html


def test_municipality_page_shows_its_own_rule_dates(
    client, vaccination_data, viewer_user
):
    import datetime as dt

    from tests.factories import make_municipal_date, make_municipality
    from vaccination.models import IntervalRule

    toyama = make_municipality(name="富山市", code="162019")
    rule = IntervalRule.objects.get(group__code="elderly", interval_months=6)
    make_municipal_date(
        rule=rule, organization=toyama, effective_from=dt.date(2022, 2, 7)
    )
    client.force_login(viewer_user)
    html = client.get(
        reverse("meetings:municipality", args=["162019"])
    ).content.decode()
    assert "富山市の適用開始日" in html
    assert "令和4年2月7日（月）" in html
    assert "?municipality=162019" in html


def test_municipality_page_without_own_dates(client, viewer_user):
    client.force_login(viewer_user)
    html = client.get(
        reverse("meetings:municipality", args=["162019"])
    ).content.decode()
    assert "富山市独自の適用開始日は登録されていません" in html
