"""資料4 as packet sections of the seed meeting (the whole seed, loaded once)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetings import sections
from meetings.models import Material

pytestmark = pytest.mark.django_db


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
    # The venue table and the printed grid: the rule table, the timeline and
    # the computed grid are extras the seed's 資料4 does not switch on.
    assert html.count("<thead>") == 2
    assert html.count("table-layout: fixed") == 2
    assert "接種間隔の規則" not in html
    assert "対象ごとの推移" not in html
    assert "規則から求めた接種可能日" not in html
    assert "<script" not in html
    assert "http" not in html


def test_material_4_prints_the_extras_it_switches_on(seed):
    material = seed.materials.get(section_kind="vaccination.booster")
    material.section_options = ["rule_table", "computed_grid"]
    material.full_clean()
    html = sections.render(material)
    assert "接種間隔の規則" in html
    assert "規則から求めた接種可能日" in html
    assert "対象ごとの推移" not in html
    assert html.count("<thead>") == 4


@pytest.mark.parametrize("options", [["photos"], "rule_table", [["rule_table"]]])
def test_an_extra_the_kind_does_not_offer_is_refused(seed, options):
    from django.core.exceptions import ValidationError

    material = seed.materials.get(section_kind="vaccination.booster")
    material.section_options = options
    with pytest.raises(ValidationError) as error:
        material.full_clean()
    assert error.value.message_dict["section_options"] == [
        "この作成する内容では選べない追加の表・図があります。"
    ]


def test_the_material_page_of_the_admin_switches_extras_on(seed, admin_client):
    material = seed.materials.get(section_kind="vaccination.booster")
    url = reverse("admin:meetings_material_change", args=[material.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="section_options" value="computed_grid"' in page
    assert "規則から求めた接種可能日の表" in page


def test_material_page_shows_the_section(client, seed, viewer_user):
    material = seed.materials.get(section_kind="vaccination.booster")
    client.force_login(viewer_user)
    response = client.get(reverse("meetings:material_detail", args=[seed.pk, 4]))
    assert response.status_code == 200
    assert material.content == Material.Content.SECTION
    assert "県西部会場（ホテルニューオータニ高岡）" in response.content.decode()
