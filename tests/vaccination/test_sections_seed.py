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
