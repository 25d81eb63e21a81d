import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from meetings import services
from meetings.models import AgendaItem, Attendance, Material, Meeting, Person, Tenure
from tests import factories
from workitems.models import WorkItem

pytestmark = pytest.mark.django_db

MAY_19 = dt.date(2022, 5, 19)


def _agenda(meeting):
    """(title, parent title) in reading order: each item, then its sub-items."""
    rows = []
    for item in meeting.agenda_items.filter(parent=None):
        rows.append((item.title, None))
        rows += [(c.title, item.title) for c in item.children.order_by("order")]
    return rows


def _counts():
    return (
        Meeting.objects.count(),
        Material.objects.count(),
        AgendaItem.objects.count(),
        Attendance.objects.count(),
    )


def _planned(number):
    return Meeting.objects.get(fiscal_year=2022, number=number, date__isnull=True)


def _as_planned(meeting):
    """What viewers see of a planned meeting; nothing the copy may change."""
    meeting.refresh_from_db()
    return (
        meeting.date,
        meeting.when_label,
        meeting.status,
        meeting.published,
        [a.title for a in meeting.agenda_items.all()],
    )


def _fill_first(seed, **kwargs):
    return services.copy_meeting(
        meeting=seed, new_date=MAY_19, fill_planned=_planned(1).pk, **kwargs
    )


def test_copy_onto_a_planned_meeting_without_the_choice_changes_nothing(seed):
    planned = _planned(1)
    before, seen = _counts(), _as_planned(planned)
    with pytest.raises(ValidationError) as refused:
        services.copy_meeting(meeting=seed, new_date=MAY_19)
    assert refused.value.messages == [
        "この会議は年間スケジュールの計画中の第1回（令和4年5月中旬）に当たります。"
        "反映する場合は「計画中の第1回（令和4年5月中旬）に反映する」にチェックを"
        "入れてください。別の会議として作成する場合は、「回」に別の番号を入力して"
        "ください。"
    ]
    assert _counts() == before
    assert _as_planned(planned) == seen
    assert seen[1:4] == ("令和4年5月中旬", "planned", True)


def test_copy_with_the_choice_fills_the_planned_meeting_as_a_new_draft(seed):
    planned = _planned(1)
    seen = _as_planned(planned)
    count = Meeting.objects.count()
    result = _fill_first(seed)
    new = result.meeting
    assert result.created is True
    assert Meeting.objects.count() == count + 1
    assert (new.fiscal_year, new.number, new.fills, new.copied_from) == (
        2022,
        1,
        planned,
        seed,
    )
    assert new.when_label == "令和4年5月19日（木）"
    assert (new.start_time, new.end_time) == (dt.time(15), dt.time(16, 30))
    assert new.venue == "県民会館8階バンケットホール"
    assert (new.status, new.published) == ("scheduled", False)
    assert _agenda(new) == [
        ("開会", None),
        ("知事あいさつ", None),
        ("議事", None),
        ("令和4年度連携推進項目の取り組み内容等の報告", "議事"),
        ("令和4年度連携推進項目のスケジュール", "議事"),
        ("閉会", None),
    ]
    assert new.attendances.count() == 34
    assert new.materials.count() == 6
    # The planned meeting is as the schedule had it, until the copy is published.
    assert _as_planned(planned) == seen


def test_copy_reports_what_filling_the_planned_meeting_changed(seed):
    result = _fill_first(seed)
    assert result.changes == [
        "計画中の第1回（令和4年5月中旬）に反映する会議として作成しました。",
        "開催日：令和4年5月中旬 → 令和4年5月19日（木）",
        "次第：「議事」の小項目は、コピー元のものに代えて計画中の議題"
        "（令和4年度連携推進項目の取り組み内容等の報告、"
        "令和4年度連携推進項目のスケジュール）になります。",
        "時刻：午後3時～4時30分（コピー元と同じ）",
        "場所：県民会館8階バンケットホール（コピー元と同じ）",
        "開催形式：対面（計画のまま）",
        "計画中の第1回（令和4年5月中旬）は、コピーした会議を公開するまで利用者に"
        "計画中のまま表示され、公開するとコピーした会議に置き換わります。",
        "次第6項目、配付資料6件、出席者34人をコピーしました。",
        "表題の令和3年度を令和4年度に改めました（1件）。",
    ]


def test_copy_rolls_material_titles_to_the_new_fiscal_year(seed):
    result = _fill_first(seed)
    assert list(result.meeting.materials.values_list("title", flat=True)) == [
        "令和4年度連携推進項目の取り組み状況について",
        "令和4年度「ワンチームとやま」連携推進本部会議における協議事項について",
        "令和4年度本部会議年間スケジュール",
        "新型コロナワクチンの追加接種の前倒しについて",
        "認定NPO法人ふるさと回帰支援センターへの会員登録について",
        "若手職員地域課題解決フィールドワーク研修について",
    ]
    assert seed.materials.first().title == "令和3年度連携推進項目の取り組み状況について"


def test_copy_lists_what_it_could_not_roll_forward(seed):
    result = _fill_first(seed)
    assert result.review == [
        "資料2「令和4年度「ワンチームとやま」連携推進本部会議における協議事項について」"
        "：表題の令和4年度はコピー元の年度ではないため、そのままです。",
        "資料3「令和4年度本部会議年間スケジュール」：表題の令和4年度はコピー元の年度"
        "ではないため、そのままです。",
        "参考資料2「若手職員地域課題解決フィールドワーク研修について」：本文の日付・"
        "年度は前回のままです（令和4年1月20日、令和3年12月16日、R3. 12. 16、"
        "R4. 1. 21、R4. 1. 31ほか）。",
    ]


def test_copy_with_the_same_date_twice_never_fills_the_second_meeting(seed):
    first = _fill_first(seed, token="form-1")
    second_planned = _planned(2)
    before, seen = _counts(), _as_planned(second_planned)
    # A new form, the same meeting and date: the copy made already.
    again = services.copy_meeting(meeting=seed, new_date=MAY_19, token="form-2")
    assert (again.meeting, again.created) == (first.meeting, False)
    # Even with the tick of the first form.
    again = _fill_first(seed, token="form-3")
    assert (again.meeting, again.created) == (first.meeting, False)
    assert _counts() == before
    assert _as_planned(second_planned) == seen


def test_another_meeting_copied_to_a_filled_date_is_asked_about_not_moved_on(seed):
    _fill_first(seed)
    second_planned = _planned(2)
    before, seen = _counts(), _as_planned(second_planned)
    other = Meeting.objects.get(fiscal_year=2021, number=3)
    with pytest.raises(
        ValidationError, match="計画中の第2回（令和4年8月下旬）に当たり"
    ):
        services.copy_meeting(meeting=other, new_date=MAY_19)
    assert _counts() == before
    assert _as_planned(second_planned) == seen


def test_the_same_form_sent_twice_creates_nothing_the_second_time(seed):
    first = _fill_first(seed, token="one-form")
    before = _counts()
    # Resent after going back and changing the date: still the same form.
    again = services.copy_meeting(
        meeting=seed, new_date=dt.date(2022, 5, 26), token="one-form"
    )
    assert (again.meeting, again.created) == (first.meeting, False)
    assert _counts() == before
    assert first.meeting.copy_token == "one-form"


def test_a_tick_for_one_planned_meeting_does_not_fill_another(seed):
    before = _counts()
    with pytest.raises(
        ValidationError, match="計画中の第2回（令和4年8月下旬）に当たり"
    ):
        services.copy_meeting(
            meeting=seed, new_date=dt.date(2022, 8, 25), fill_planned=_planned(1).pk
        )
    assert _counts() == before


def test_a_planned_meeting_filled_already_is_refused_by_number(seed):
    first = _fill_first(seed)
    with pytest.raises(ValidationError) as refused:
        services.copy_meeting(
            meeting=Meeting.objects.get(fiscal_year=2021, number=3),
            new_date=dt.date(2022, 5, 26),
            number=1,
            fill_planned=_planned(1).pk,
        )
    assert refused.value.messages == [
        "計画中の第1回（令和4年5月中旬）には既にコピー「"
        f"{first.meeting.name}」（令和4年5月19日（木））があります。"
        "そのコピーを直すか、削除してからもう一度コピーしてください。"
    ]


def test_a_planned_meeting_with_materials_is_not_filled(seed):
    planned = _planned(1)
    factories.make_material(meeting=planned, title="先に入れた資料")
    before = _counts()
    with pytest.raises(ValidationError, match="既に資料か出席者が登録されている"):
        _fill_first(seed)
    assert _counts() == before


def test_viewers_see_the_planned_meeting_until_the_copy_is_published(
    seed, viewer_user, secretariat_user
):
    planned = _planned(1)
    new = _fill_first(seed).meeting
    fy2022 = Meeting.objects.filter(fiscal_year=2022, kind="regular", number=1)
    assert list(fy2022.visible_to(viewer_user)) == [planned]
    # The secretariat sees the copy in its place, unpublished.
    assert list(fy2022.visible_to(secretariat_user)) == [new]

    services.publish_meeting(meeting=new)
    # Published, the copy replaces the planned meeting even before it goes.
    assert list(fy2022.visible_to(viewer_user)) == [new]
    services.complete_planned(meeting=new)
    assert not Meeting.objects.filter(pk=planned.pk).exists()
    new.refresh_from_db()
    assert (new.fills, new.number, new.published) == (None, 1, True)
    assert list(fy2022.visible_to(viewer_user)) == [new]


def test_completing_a_planned_meeting_moves_what_was_reported_at_it(seed):
    planned = _planned(1)
    item = WorkItem.objects.order_by("pk").first()
    item.reported_at.add(planned)
    new = _fill_first(seed).meeting
    services.publish_meeting(meeting=new)
    services.complete_planned(meeting=new)
    assert new in item.reported_at.all()
    assert Meeting.objects.filter(pk=planned.pk).exists() is False


def test_completing_an_unpublished_copy_changes_nothing(seed):
    planned = _planned(1)
    new = _fill_first(seed).meeting
    services.complete_planned(meeting=new)
    new.refresh_from_db()
    assert new.fills == planned


def test_copy_late_in_the_year_offers_the_last_planned_meeting_before_it(seed):
    plan = services.plan_copy(meeting=seed, new_date=dt.date(2023, 2, 2))
    assert (plan.fiscal_year, plan.number, plan.planned) == (2022, 4, _planned(4))


def test_copy_takes_number_after_the_last_when_nothing_is_planned(seed):
    result = services.copy_meeting(meeting=seed, new_date=dt.date(2023, 4, 20))
    assert (result.meeting.fiscal_year, result.meeting.number) == (2023, 1)
    assert result.changes[0] == "令和5年4月20日（木）の会議として作成しました。"
    result = services.copy_meeting(meeting=seed, new_date=dt.date(2023, 6, 20))
    assert result.meeting.number == 2


def test_copy_names_the_current_holder_and_keeps_the_old_record(seed):
    attendance = seed.attendances.get(title="高岡市長")
    Tenure.objects.filter(position=attendance.position).update(end=dt.date(2022, 3, 31))
    Tenure.objects.create(
        position=attendance.position,
        person=Person.objects.create(headquarters=seed.headquarters, name="新 市長"),
        start=dt.date(2022, 4, 1),
    )
    result = _fill_first(seed)
    assert result.meeting.attendances.get(title="高岡市長").name == "新 市長"
    assert seed.attendances.get(title="高岡市長").name == "角田 悠紀"
    assert result.vacant_positions == []


def test_copy_reports_positions_nobody_holds_on_the_new_date(seed):
    attendance = seed.attendances.get(title="朝日町長")
    Tenure.objects.filter(position=attendance.position).update(end=dt.date(2022, 3, 31))
    result = _fill_first(seed)
    assert result.vacant_positions == ["朝日町長"]
    assert result.meeting.attendances.get(title="朝日町長").name == "笹原 靖直"


def test_copy_with_a_taken_number_is_refused_and_saves_nothing(seed):
    before = _counts()
    with pytest.raises(ValidationError, match="この年度のこの回の会議は既にあります"):
        services.copy_meeting(meeting=seed, new_date=dt.date(2021, 11, 19), number=3)
    assert _counts() == before
