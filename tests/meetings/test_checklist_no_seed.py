"""準備チェックリスト: a meeting made to lack each thing shows it, with a link
to the place that fixes it; a complete meeting shows nothing missing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from meetings import checklist, editions
from tests import factories
from workitems.models import ResultTable

pytestmark = pytest.mark.django_db

DAY = dt.date(2022, 5, 20)


@pytest.fixture
def complete():
    """A published, distributed meeting with nothing missing."""
    meeting = factories.make_meeting(fiscal_year=2022, number=1, date=DAY)
    factories.make_agenda_item(meeting=meeting)
    factories.make_material(meeting=meeting, title="報告事項")
    position = factories.make_position(start=dt.date(2021, 4, 1))
    factories.make_attendance(
        meeting=meeting, position=position, seat_side="head", seat_order=1
    )
    editions.distribute(meeting=meeting, by=None)
    return meeting


def messages(meeting, part=None) -> list[str]:
    return [f.message for f in checklist.check(meeting) if part in (None, f.part)]


def test_a_complete_meeting_lacks_nothing(complete):
    assert messages(complete) == []
    parts = checklist.grouped([])
    assert [label for _part, label, _f in parts][:4] == [
        "次第",
        "資料",
        "出席者",
        "配席",
    ]
    assert [label for _part, label, _f in parts][-1] == "公開・配付"


def test_an_empty_meeting_lacks_agenda_materials_and_attendees():
    meeting = factories.make_meeting(
        fiscal_year=2022, number=2, date=DAY, published=False
    )
    found = {f.part: f for f in checklist.check(meeting)}
    assert found["agenda"].message == "次第の項目がありません。"
    assert found["agenda"].url.endswith("#agenda_items-group")
    assert found["materials"].message == "資料がありません。"
    assert found["attendance"].message == "出席者が登録されていません。"
    assert messages(meeting, "distribution") == ["まだ公開していません。"]


def test_a_material_without_content_is_named_by_its_number(complete):
    empty = factories.make_material(
        meeting=complete, title="空の資料", order=2, text="  "
    )
    found = [f for f in checklist.check(complete) if f.part == "materials"]
    assert [f.message for f in found] == ["資料2「空の資料」の内容がありません。"]
    assert found[0].url == reverse("admin:meetings_material_change", args=[empty.pk])


def test_a_position_with_nobody_in_office_on_the_meeting_day(complete):
    # The mayor's term ended before the meeting: judged on its day, not today's.
    vacant = factories.make_position(
        title="高岡市長",
        organization=factories.make_municipality(name="高岡市", code="162027"),
        holder="角田 悠紀",
        end=dt.date(2022, 4, 30),
    )
    factories.make_attendance(
        meeting=complete, position=vacant, title="高岡市長", name="角田 悠紀", order=2
    )
    assert messages(complete, "attendance") == [
        "高岡市長：令和4年5月20日に在任中の人が登録されていません。"
    ]


def test_a_copied_name_that_is_not_the_holder_on_the_day(complete):
    attendance = complete.attendances.get()
    attendance.name = "前の 市長"
    attendance.save()
    assert messages(complete, "attendance") == [
        "富山市長：出席者名簿の氏名「前の 市長」が、令和4年5月20日の在任者「藤井 裕久」と違います。"
    ]


def test_a_present_attendee_without_a_seat(complete):
    factories.make_attendance(
        meeting=complete, title="県知事", name="新田 八朗", order=2
    )
    factories.make_attendance(
        meeting=complete, title="射水市長", name="夏野 元志", order=3, mode="absent"
    )
    assert messages(complete, "seats") == ["県知事 新田 八朗 の席が決まっていません。"]


def test_a_meeting_without_a_seating_chart_asks_for_no_seats():
    meeting = factories.make_meeting(fiscal_year=2022, number=3, date=DAY)
    factories.make_attendance(meeting=meeting)
    assert messages(meeting, "seats") == []


def test_results_missing_for_an_item_active_that_year(complete):
    item = factories.make_item(name="除雪の連携")
    year = factories.make_item_year(item=item, fiscal_year=2022, status="continued")
    factories.make_item_year(item=item, fiscal_year=2023, status="continued")
    found = [f for f in checklist.check(complete) if f.part == "results"]
    assert [f.message for f in found] == [
        "除雪の連携：令和4年度の取り組み結果が登録されていません。"
    ]
    assert found[0].url == reverse("admin:workitems_itemyear_change", args=[year.pk])
    # The same link is not listed twice under データの点検.
    assert all(
        f.url != found[0].url for f in checklist.check(complete) if f.part == "data"
    )
    ResultTable.objects.create(item_year=year, order=1)
    factories.make_result_row(item_year=year)
    assert messages(complete, "results") == []


def test_data_check_is_judged_on_the_meeting_day(complete):
    item = factories.make_item(name="防災")
    measure = factories.make_measure(item=item)
    # Planned for 5/14: overdue on the meeting's day (5/20), not on 5/10.
    factories.make_session(
        measure=measure, fiscal_year=2022, date=dt.date(2022, 5, 14), planned=True
    )
    assert any("予定のまま" in m for m in messages(complete, "data"))
    complete.date = dt.date(2022, 5, 10)
    complete.save()
    assert not any("予定のまま" in m for m in messages(complete, "data"))


def test_changes_after_distribution_are_listed(complete):
    material = complete.materials.get()
    material.text = "本文を直した"
    material.save()
    assert messages(complete, "distribution") == [
        "配付後の変更が差し替えられていません：資料1"
    ]


def test_the_checklist_page_and_its_links(client, complete, secretariat_user):
    factories.make_material(meeting=complete, title="空の資料", order=2, text="")
    client.force_login(secretariat_user)
    url = reverse("admin:meetings_meeting_checklist", args=[complete.pk])
    change = client.get(reverse("admin:meetings_meeting_change", args=[complete.pk]))
    assert url in change.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "令和4年5月20日" in body and "足りないもの：2件" in body
    assert "資料2「空の資料」の内容がありません。" in body
    assert "✓</span> 次第：済" in body


def test_the_admin_index_leads_to_the_next_meetings_checklist(
    client, complete, secretariat_user, settings
):
    later = factories.make_meeting(fiscal_year=2099, number=1, date=dt.date(2099, 5, 1))
    client.force_login(secretariat_user)
    body = client.get(reverse("admin:index")).content.decode()
    assert "次の会議" in body
    assert reverse("admin:meetings_meeting_checklist", args=[later.pk]) in body


def test_the_checklist_of_another_scope_is_not_found(client, complete, viewer_user):
    other = factories.make_headquarters(name="別の本部")
    theirs = factories.make_meeting(
        fiscal_year=2022, number=1, date=DAY, headquarters=other
    )
    secretariat = factories.make_user(role="secretariat", username="s1")
    client.force_login(secretariat)
    assert (
        client.get(
            reverse("admin:meetings_meeting_checklist", args=[theirs.pk])
        ).status_code
        == 404
    )
    client.force_login(viewer_user)
    response = client.get(
        reverse("admin:meetings_meeting_checklist", args=[complete.pk])
    )
    assert response.status_code == 302  # viewers are not staff: the admin login
