"""The seed's 資料1–3 as data: loaded by load_seed, idempotent, with its figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command

from workitems import seed as workitems_seed
from workitems.models import (
    FiscalYearPlan,
    Highlight,
    Indicator,
    ItemYear,
    Measure,
    Milestone,
    ResultRow,
    Session,
    WorkItem,
    proposers_note,
)

pytestmark = pytest.mark.django_db

EXPECTED_ROWS = {
    "WorkItem": 6,
    "ItemProposer": 14,
    "ItemDepartment": 23,
    "ItemYear": 10,
    "Measure": 20,
    "Session": 60,
    "ResultTable": 7,
    "ResultRow": 33,
    "Highlight": 8,
    "Milestone": 5,
    "HighlightImage": 0,
    "Indicator": 11,
    "Proposal": 1,
    "FiscalYearPlan": 1,
    "Agreement": 2,
}


def _counts():
    return {
        m.__name__: m.objects.count()
        for m in apps.get_app_config("workitems").get_models()
        # The audit history's tables (onechamber.history) are not the seed's.
        if not m.__name__.startswith("Historical")
    }


def test_seed_loads_every_row_of_materials_1_to_3(seed):
    assert _counts() == EXPECTED_ROWS


def test_loading_the_seed_twice_changes_nothing(seed):
    before = _counts()
    values = list(Session.objects.order_by("pk").values())
    call_command("load_seed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == before
    assert list(Session.objects.order_by("pk").values()) == values


def test_seed_items_and_their_status_per_year(seed):
    statuses = {
        (y.item.name, y.fiscal_year): y.status
        for y in ItemYear.objects.select_related("item")
    }
    assert statuses == {
        ("有害鳥獣の市町村による連携捕獲の推進", 2021): "new",
        ("有害鳥獣の市町村による連携捕獲の推進", 2022): "concluded",
        ("県単医療費助成制度のあり方検討", 2021): "new",
        ("ゼロカーボンシティ富山の実現", 2021): "new",
        ("ゼロカーボンシティ富山の実現", 2022): "continued",
        ("防災・危機管理体制の連携・強化", 2021): "new",
        ("防災・危機管理体制の連携・強化", 2022): "concluded",
        ("自治体行政のデジタル化", 2021): "new",
        ("自治体行政のデジタル化", 2022): "continued",
        ("農林水産物等の輸出促進に向けた連携・強化", 2022): "new",
    }
    hunting = ItemYear.objects.get(item__name__startswith="有害鳥獣", fiscal_year=2022)
    assert hunting.followup == "被害対策会議等で個別の進行管理"


def test_seed_indicators_hold_the_packets_figures(seed):
    card = Indicator.objects.get(name="マイナンバーカード交付率")
    assert (card.baseline_value, card.baseline_rank, card.baseline_as_of) == (
        Decimal("22.70"),
        27,
        dt.date(2021, 1, 1),
    )
    assert (card.value, card.rank, card.as_of) == (
        Decimal("41.70"),
        10,
        dt.date(2022, 1, 1),
    )
    figures = {i.name: (i.value, i.unit) for i in Indicator.objects.all()}
    assert figures["共同利用の雪捨て場"] == (Decimal("66.00"), "箇所")
    assert figures["県・市町村の連携除雪区間"] == (Decimal("62.00"), "区間")
    assert figures["出没情報通報エリアの通報実績"] == (Decimal("11.00"), "件")
    assert figures["申請サポート隊の派遣先"] == (Decimal("34.00"), "社")
    assert figures["申請サポート隊による申請者"] == (Decimal("727.00"), "人")
    assert Indicator.objects.get(name="県・市町村の連携除雪区間").note == "26区間拡大"


def test_seed_participation_of_digital_measures(seed):
    participation = {
        m.code: m.participation
        for m in Measure.objects.filter(item__name="自治体行政のデジタル化")
        if m.participation
    }
    assert participation == {
        "②": "県・11市町",
        "③": "13市町村",
        "④": "14市町村",
        "⑧": "県・15市町村",
    }
    training = Measure.objects.get(item__name="自治体行政のデジタル化", code="⑧")
    assert training.participants.count() == 15
    assert [s.date for s in training.sessions.all()] == [
        dt.date(2021, 8, 3),
        dt.date(2021, 9, 28),
        dt.date(2021, 11, 9),
        dt.date(2022, 2, 17),
        dt.date(2022, 2, 28),
    ]


def test_seed_planned_sessions(seed):
    planned = {
        (s.measure.item.name, s.when_label)
        for s in Session.objects.filter(planned=True).select_related("measure__item")
    }
    assert planned == {
        ("ゼロカーボンシティ富山の実現", "2月予定"),
        ("防災・危機管理体制の連携・強化", "2/4予定"),
    }


def test_seed_ocr_slips_are_corrected(seed):
    texts = " ".join(
        r.results + r.next_steps + r.label for r in ResultRow.objects.all()
    ) + " ".join(h.overview + h.points for h in Highlight.objects.all())
    assert "出沒" not in texts
    assert "びったり" not in texts
    assert "出没情報通報エリアの設定と運用" in texts
    assert "ぴったりサービス" in texts


def test_seed_keeps_photo_captions_and_the_e_bidding_timeline(seed):
    snow = Highlight.objects.get(title="県・市町村の連携除排雪の推進")
    assert snow.caption_lines == [
        "共同雪捨て場 (富山市有沢)",
        "連携除雪 (富山市安住町)",
    ]
    steps = [m.month_label + " " + m.text for m in Milestone.objects.all()]
    assert steps == [
        "R3.6 県・市町村と共同でプロポーザルを実施",
        "R3.7 契約締結",
        "R3.12 仕様確定",
        "R4.3 入札参加者向け説明会の開催",
        "R4.7～ 運用開始",
    ]


def test_seed_holds_one_list_of_proposers_and_notes_the_discrepancy(seed):
    digital = WorkItem.objects.get(name="自治体行政のデジタル化")
    assert [p.organization.name for p in digital.proposals.all()] == [
        "射水市",
        "氷見市",
        "砺波市",
        "滑川市",
    ]
    # The pages that leave 滑川市 out, as the seed prints them.
    namerikawa = digital.proposals.get(organization__name="滑川市")
    assert (namerikawa.on_wg_table, namerikawa.on_sheet, namerikawa.on_plan) == (
        False,
        True,
        False,
    )
    assert proposers_note(digital.proposals.all()) == (
        "資料1のWG開催状況・資料2の連携推進項目には滑川市を記載していません。"
    )


def test_proposer_discrepancies_names_each_page():
    note = workitems_seed.proposer_discrepancies(
        ["射水市", "滑川市"], {"表": ["射水市"], "本文": ["射水市", "滑川市", "氷見市"]}
    )
    assert (
        note
        == "表では滑川市が提案市町村に記載されていない。本文では氷見市も提案市町村に記載されている。"
    )


def test_seed_plan_and_new_item_proposal(seed):
    plan = FiscalYearPlan.objects.get(fiscal_year=2022)
    assert plan.issue_lines == ["新型コロナウイルス対策", "公共施設のあり方"]
    export = ItemYear.objects.get(item__name__startswith="農林水産物", fiscal_year=2022)
    assert export.selection_reason.startswith("農林漁業者の所得向上や担い手育成に向け")
    assert [len(lines) for _, lines in export.proposal.sections()] == [1, 2, 1, 1, 3]
    assert export.item.targets_all is True


def test_seed_links_items_to_the_meeting_where_they_were_reported(seed):
    assert set(seed.workitems.values_list("name", flat=True)) == set(
        WorkItem.objects.values_list("name", flat=True)
    )
