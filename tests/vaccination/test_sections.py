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
