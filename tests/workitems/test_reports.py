"""Table layout rules (plain functions) and the WG-status table of the seed."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from meetings.models import Headquarters
from workitems import reports
from workitems.models import Indicator, Session


class _Many(list):
    def all(self):
        return self


def _org(name, label):
    return SimpleNamespace(name=name, label=label)


def _session(date=None, month=None, planned=False, **kw):
    s = Session(
        date=date,
        approx_month=month,
        planned=planned,
        topic=kw.get("topic", ""),
        name=kw.get("name", ""),
        aside=kw.get("aside", False),
        participants_note=kw.get("participants_note", ""),
        note=kw.get("note", ""),
    )
    s.__dict__["_participants"] = _Many(kw.get("participants", []))
    return s


@pytest.fixture
def _participants_without_db(monkeypatch):
    monkeypatch.setattr(
        Session, "participants", property(lambda self: self.__dict__["_participants"])
    )


@pytest.mark.usefixtures("_participants_without_db")
def test_session_lines_group_dates_by_topic_and_name():
    towns = [_org("舟橋村", "舟橋"), _org("上市町", "上市"), _org("立山町", "立山")]
    topic = "捕獲の「空白地域」解消に向けた協議"
    lines = reports.session_lines(
        [
            _session(dt.date(2021, 2, 17)),
            _session(dt.date(2021, 4, 19)),
            _session(dt.date(2021, 5, 17), topic=topic, participants=towns),
            _session(
                dt.date(2021, 9, 1),
                topic=topic,
                participants=towns,
                note="3町村で協定締結",
            ),
            _session(
                dt.date(2021, 10, 6),
                aside=True,
                name="農林水産省概算要求等に関する情報共有",
                participants_note="市町村等",
            ),
        ]
    )
    assert lines == [
        "2/17、4/19",
        "※捕獲の「空白地域」解消に向けた協議(舟橋、上市、立山)",
        "5/17、9/1(3町村で協定締結)",
        "※10/6：農林水産省概算要求等に関する情報共有(市町村等)",
    ]


@pytest.mark.usefixtures("_participants_without_db")
def test_session_lines_do_not_repeat_participants_the_topic_names():
    himi = [_org("氷見市", "氷見")]
    lines = reports.session_lines(
        [
            _session(
                dt.date(2021, 9, 24),
                topic="氷見市と隣接4市町との協議",
                participants=himi,
            )
        ]
    )
    assert lines[0] == "※氷見市と隣接4市町との協議"


@pytest.mark.usefixtures("_participants_without_db")
def test_session_lines_write_planned_dates_and_notes():
    lines = reports.session_lines(
        [
            _session(dt.date(2021, 11, 24), note="訓練"),
            _session(dt.date(2022, 2, 4), planned=True),
            _session(month=dt.date(2022, 2, 1), planned=True),
        ],
        "上記会議以外に協議を実施",
    )
    assert lines == ["11/24(訓練)、2/4予定、2月予定", "※上記会議以外に協議を実施"]


def test_layout_rows_shares_headings_and_empty_next_cells():
    rows = [
        SimpleNamespace(heading="A", next_steps="x"),
        SimpleNamespace(heading="A", next_steps=""),
        SimpleNamespace(heading="B", next_steps=""),
        SimpleNamespace(heading="C", next_steps="y"),
    ]
    layout = reports.layout_rows(rows)
    assert [(lay.heading_span, lay.next_span) for lay in layout] == [
        (2, 3),
        (0, 0),
        (1, 0),
        (1, 1),
    ]


def test_indicator_phrase_and_chart_show_before_and_after():
    card = Indicator(
        name="マイナンバーカード交付率",
        unit="%",
        value=Decimal("41.7"),
        as_of=dt.date(2022, 1, 1),
        rank=10,
        rank_scope="全国",
        baseline_value=Decimal("22.7"),
        baseline_as_of=dt.date(2021, 1, 1),
        baseline_rank=27,
    )
    assert reports.indicator_phrase(card) == (
        "22.7%（全国27位, R3.1.1時点） → 41.7%（全国10位, R4.1.1時点）"
    )
    chart = reports.indicator_chart(card)
    assert [(b["label"], b["width"], b["text"]) for b in chart.bars] == [
        ("R3.1.1", 45, "22.7%（全国27位）"),
        ("R4.1.1", 83, "41.7%（全国10位）"),
    ]


def test_indicator_without_baseline_has_no_chart():
    assert reports.indicator_chart(Indicator(name="x", unit="件", value=11)) is None


@pytest.mark.django_db
def test_wg_status_table_reproduces_the_seeds_first_table(seed):
    context = reports.wg_status_context(2021, headquarters=Headquarters.objects.get())
    table = [
        (
            row["item"].name,
            row["proposers"],
            [
                (m["cell"], m["department"] or row["departments"], m["sessions"])
                for m in row["measures"]
            ],
        )
        for row in context["rows"]
    ]
    assert [t[0] for t in table] == [
        "有害鳥獣の市町村による連携捕獲の推進",
        "県単医療費助成制度のあり方検討",
        "ゼロカーボンシティ富山の実現",
        "防災・危機管理体制の連携・強化",
        "自治体行政のデジタル化",
    ]
    hunting, medical, zero, disaster, digital = table
    assert hunting[1] == ["富山市"]
    assert hunting[2][0][1] == ["生活環境文化部 (まとめ)", "農林水産部"]
    assert hunting[2][0][2] == [
        "2/17、4/19、9/7",
        "※捕獲の「空白地域」解消に向けた協議(舟橋、上市、立山)",
        "5/17、7/12、9/1(3町村で協定締結)",
        "※通報エリア設定に向けた氷見市と石川県側隣接4市町との協議",
        "5/26、7/16、9/24(設定完了)",
        "※10/6：農林水産省概算要求等に関する情報共有(市町村等)",
    ]
    assert medical[1] == ["富山市", "射水市", "黒部市"]
    assert medical[2] == [
        (
            ["①-1 子ども医療費(現物支給化)", "①-2 〃 (助成制度)"],
            "厚生部",
            ["5/14", "10/14：副市町村長級検討会"],
        ),
        (["②障がい者医療費助成"], "厚生部", ["5/12、8/6、10/18"]),
    ]
    assert context["rows"][1]["per_measure_department"] is False
    assert zero[2][0][2] == ["4/27、5/20、8/19、10/21、2月予定"]
    assert [(m[1], m[2]) for m in disaster[2]] == [
        ("危機管理局", ["2/19、4/26：防災担当課長会議", "7/21 5市、8/24 10市町村"]),
        ("厚生部", ["4/30、8/17、10/20、1/17"]),
        ("生活環境文化部", ["4/28、8/10、11/24(訓練)、2/4予定"]),
        (
            "土木部",
            [
                "4/28、10/12：道路除雪担当者会議",
                "※上記会議以外に、各土木センター・事務所単位で市町村と協議を実施",
            ],
        ),
    ]
    assert digital[2][0][1] == ["知事政策局 (まとめ)", "地方創生局", "厚生部"]
    assert digital[2][0][2] == [
        "2/25、8/17、10/14、1/6：IT担当課長会議",
        "3/26：情報担当課長会議",
        "4/26、6/25、8/4、11/5：マイナンバー会議",
        "4/27、5/25、6/29、7/27、8/31、9/28、10/13、10/26、11/2、11/30、12/9、12/21："
        "クラウド関係会議",
        "※クラウド関係会議も活用し協議",
    ]


@pytest.mark.django_db
def test_wg_status_leaves_out_trainings_and_other_years(seed):
    rows = reports.wg_status_context(2021, headquarters=Headquarters.objects.get())[
        "rows"
    ]
    digital = rows[-1]["measures"][0]["sessions"]
    assert not any("安全管理措置" in line for line in digital)
    assert (
        reports.wg_status_context(2019, headquarters=Headquarters.objects.get())["rows"]
        == []
    )
