import datetime as dt

import pytest
from django.core.management import call_command

from meetings.models import (
    AgendaItem,
    Attendance,
    Material,
    Meeting,
    Organization,
    Person,
    Position,
    Tenure,
)
from meetings.reports import number_materials

pytestmark = pytest.mark.django_db

OFFICIAL_ORDER = [
    "富山市",
    "高岡市",
    "射水市",
    "魚津市",
    "氷見市",
    "滑川市",
    "黒部市",
    "砺波市",
    "小矢部市",
    "南砺市",
    "舟橋村",
    "上市町",
    "立山町",
    "入善町",
    "朝日町",
]


def _counts():
    return [
        m.objects.count()
        for m in (
            Organization,
            Person,
            Position,
            Tenure,
            Meeting,
            AgendaItem,
            Material,
            Attendance,
        )
    ]


def test_load_seed_twice_changes_nothing(seed):
    before = _counts()
    stamps = list(Meeting.objects.order_by("pk").values_list("pk", "updated_at"))
    call_command("load_seed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == before
    assert list(Meeting.objects.order_by("pk").values_list("pk")) == [
        (pk,) for pk, _ in stamps
    ]


def test_seed_holds_the_municipalities_in_official_order(seed):
    assert list(
        Organization.objects.municipalities().values_list("name", flat=True)
    ) == (OFFICIAL_ORDER)


def test_seed_meeting_is_fourth_of_fiscal_2021(seed):
    assert seed.name == "令和3年度第4回「ワンチームとやま」連携推進本部会議"
    assert seed.date == dt.date(2022, 1, 20)
    assert (seed.start_time, seed.end_time) == (dt.time(15), dt.time(16, 30))
    assert seed.venue == "県民会館8階バンケットホール"


def test_seed_attendees_are_two_groups_of_seventeen(seed):
    municipal = list(seed.attendances.filter(group="municipal"))
    prefecture = list(seed.attendances.filter(group="prefecture"))
    assert len(municipal) == 17
    assert len(prefecture) == 17
    assert [a.title for a in municipal[:3]] == ["富山市長", "高岡市長", "射水市長"]
    assert (municipal[-1].title, municipal[-1].name) == ("町村会常務理事", "竹野 博和")
    assert (prefecture[0].title, prefecture[0].name) == ("知事", "新田 八朗")
    assert (prefecture[-1].title, prefecture[-1].name) == (
        "参事・市町村支援課長",
        "小杉 健",
    )
    assert all(a.seat_side != "none" for a in municipal + prefecture)


def test_seed_materials_are_numbered_in_two_series(seed):
    labels = [(m.label, m.title) for m in number_materials(seed.materials.all())]
    assert [label for label, _ in labels] == [
        "資料1",
        "資料2",
        "資料3",
        "資料4",
        "参考資料1",
        "参考資料2",
    ]
    assert labels[3][1] == "新型コロナワクチンの追加接種の前倒しについて"


def test_seed_schedule_has_every_meeting_of_r2_to_r4(seed):
    meetings = list(Meeting.objects.all())
    assert [m.when_short for m in meetings] == [
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
    planned = Meeting.objects.get(fiscal_year=2022, number=3)
    assert planned.note == "※一定の方向性が出たものがあれば入れ替えを検討"
    assert list(planned.agenda_items.values_list("title", flat=True)) == [
        "連携推進項目の取り組み結果の中間報告",
        "次年度の連携推進項目の取り扱いについて",
    ]
