"""Section kinds of the packet: 資料1 (fy_report), 資料2 (fy_plan), 資料3 (schedule)."""

import re

import pytest

from meetings import sections
from meetings.reports import number_materials

pytestmark = pytest.mark.django_db


def _material(meeting, label):
    return {m.label: m for m in number_materials(meeting.materials.all())}[label]


def test_section_kinds_are_registered_with_their_orientation():
    kinds = {
        k: v.landscape
        for k, v in sections.registry.items()
        if k.startswith("workitems.")
    }
    assert kinds == {
        "workitems.fy_report": True,
        "workitems.wg_status": True,
        "workitems.fy_plan": False,
        "workitems.schedule": False,
    }


def _assert_printable(html):
    assert "<script" not in html
    assert "<a " not in html  # the packet has no links
    assert not re.search(r"(src|href)=\"https?://", html)
    assert "table-layout: fixed" in html
    assert "<thead>" in html


def test_fy_report_prints_the_wg_table_sheets_and_highlights(seed):
    html = sections.render(_material(seed, "資料1"))
    _assert_printable(html)
    assert "「ワンチームとやま」連携推進本部 令和3年度連携推進項目のWG開催状況" in html
    assert "連携事項名 有害鳥獣の市町村による連携捕獲の推進" in html
    assert "(連携推進項目での協議を終了)" in html
    assert "(令和4年度協議継続)" in html
    assert "R4年度からの取り組み(被害対策会議等で個別の進行管理)" in html
    assert "●クマ等による人身被害防止対策の推進" in html
    assert "①出没への対応や人身被害等に関する市町村間の情報共有" in html
    assert "【被災者支援関係】" in html
    assert "県・市町村の連携除排雪の推進" in html
    assert "［写真・図］共同雪捨て場 (富山市有沢)" in html
    # The seed prints no indicator as a block (none is marked 資料に印刷):
    # its figures stand in the text.
    assert "全国27位, R3.1.1時点" not in html
    assert "(R3.1.1時点 22.7%(全国27位) ⇒ R4.1.1時点 41.7%(全国10位))" in html
    assert html.count("<svg") == 0
    assert "住民記録システムの標準化・共通化" in html
    assert "2月28日" in html
    # 県単医療費 has no results in the seed: it is in the WG table, and has
    # no page of its own, as in the seed.
    assert "県単医療費助成制度のあり方検討" in html
    assert "連携事項名 県単医療費助成制度のあり方検討" not in html


def test_fy_report_prints_the_indicators_marked_to_print(seed):
    from workitems.models import Indicator

    for indicator in Indicator.objects.filter(
        name__in=[
            "マイナンバーカード交付率",
            "共同利用の雪捨て場",
            "県・市町村の連携除雪区間",
        ]
    ):
        indicator.printed = True
        indicator.save()
    html = sections.render(_material(seed, "資料1"))
    assert "22.7%（全国27位, R3.1.1時点） → 41.7%（全国10位, R4.1.1時点）" in html
    assert html.count("<svg") == 3  # マイナンバーカード, 雪捨て場, 除雪区間
    assert "新設した雪捨て場" not in html


def test_fy_plan_prints_the_next_years_plan(seed):
    html = sections.render(_material(seed, "資料2"))
    assert (
        "令和4年度「ワンチームとやま」連携推進本部会議における協議事項について" in html
    )
    assert "【R4年度の連携推進項目】（案）" in html
    assert "（提案市町村：魚津市、南砺市）" in html
    assert "・選定理由：" in html
    assert "【令和4年度に想定される個別課題】" in html
    assert "対象市町村: 全市町村" in html
    assert "県担当課: 農林水産企画課" in html
    assert "<a " not in html


def test_schedule_prints_three_fiscal_years(seed):
    html = sections.render(_material(seed, "資料3"))
    _assert_printable(html)
    rows = re.findall(r"<td>(R\d+\.[^<]+)</td>", html)
    assert rows == [
        "R3.1.10",
        "R3.1.19",
        "R3.2.22",
        "R3.5.14",
        "R3.6.4",
        "R3.8.31",
        "R3.10.29",
        "R3.12.8",
        "R4.1.20",
        "R4.5月中旬",
        "R4.8月下旬",
        "R4.10月下旬",
        "R5.1月下旬",
    ]
    assert "※雪害対策への協力に関する臨時会議（WEB）" in html
    assert "「ワンチームとやま」連携推進本部会議設置" in html
    assert "R4 第2回本部会議の開催（WEB）" in html
    assert "※一定の方向性が出たものがあれば入れ替えを検討" in html


def test_material_pages_show_the_sections(client, seed, viewer_user):
    client.force_login(viewer_user)
    for number in (1, 2, 3):
        response = client.get(f"/meetings/{seed.pk}/materials/{number}/")
        assert response.status_code == 200
    assert (
        "WG開催状況" in client.get(f"/meetings/{seed.pk}/materials/1/").content.decode()
    )


def test_each_page_lists_the_proposers_the_seed_prints_on_it(seed):
    # デジタル化: the WG table and 資料2 list three proposers, its results
    # sheet four (with 滑川市), as the seed prints them.
    report = sections.render(_material(seed, "資料1"))
    plan = sections.render(_material(seed, "資料2"))
    assert "自治体行政のデジタル化<br>(射水市、氷見市、砺波市)</th>" in report
    assert "提案市町村: 射水市、氷見市、砺波市、滑川市</p>" in report
    assert "（提案市町村：射水市、氷見市、砺波市）" in plan
    assert "滑川市" not in plan.split("自治体行政のデジタル化")[1].split("</li>")[0]


def test_a_page_lists_a_proposer_again_once_its_flag_is_set(seed):
    from workitems.models import ItemProposer

    proposer = ItemProposer.objects.get(
        item__name="自治体行政のデジタル化", organization__name="滑川市"
    )
    proposer.on_plan = True
    proposer.save()
    plan = sections.render(_material(seed, "資料2"))
    assert "（提案市町村：射水市、氷見市、砺波市、滑川市）" in plan
