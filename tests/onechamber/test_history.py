"""The audit history: who changed which record, when, from which value to which,
and why; on each record's history page in the admin, scoped like the record."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import services, versioning
from meetings.models import Attendance, Meeting, Organization, Person
from onechamber import history
from tests import factories
from workitems import services as workitem_services
from workitems.models import ItemYear, ResultRow, WorkItem

pytestmark = pytest.mark.django_db


def _history_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


def _rows(obj) -> list[tuple[str, str, str]]:
    """(type, user name, reason) of each history row of `obj`, oldest first."""
    return [
        (
            h.history_type,
            h.history_user.username if h.history_user else "",
            h.history_change_reason or "",
        )
        for h in obj.history.order_by("history_date", "history_id")
    ]


def _organization_post(org, **changes) -> dict:
    data = {
        "name": org.name,
        "short_name": org.short_name,
        "kind": org.kind,
        "code": org.code,
        "parent": org.parent_id or "",
        "order": org.order,
    }
    data.update(changes)
    return data


def test_an_admin_edit_shows_user_old_and_new_value_on_the_history_page(
    client, secretariat_user
):
    org = factories.make_municipality(name="富山市", code="162019")
    org.short_name = "旧略称"
    org.save()
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:meetings_organization_change", args=[org.pk]),
        _organization_post(org, short_name="新略称"),
    )
    assert response.status_code == 302
    assert _rows(org)[-1] == ("~", "jimukyoku", "")

    page = client.get(_history_url(org))
    assert page.status_code == 200
    html = page.content.decode()
    assert "変更履歴：富山市" in html
    assert "jimukyoku" in html
    changes = re.findall(
        r'<span class="history-old">(.*?)</span>\s*&rarr;\s*'
        r'<span class="history-new">(.*?)</span>',
        html,
    )
    assert ("旧略称", "新略称") in changes
    # The field by its Japanese name, the choice by its label.
    assert "<strong>略称</strong>" in html


def test_a_choice_and_an_empty_value_are_shown_as_the_form_shows_them(
    client, secretariat_user
):
    org = factories.make_organization(name="知事政策局", kind="department")
    client.force_login(secretariat_user)
    client.post(
        reverse("admin:meetings_organization_change", args=[org.pk]),
        _organization_post(org, kind="division", short_name="政策"),
    )
    html = client.get(_history_url(org)).content.decode()
    assert re.search(
        r'history-old">部局</span>\s*&rarr;\s*<span class="history-new">課', html
    )
    assert re.search(
        r'history-old">（空）</span>\s*&rarr;\s*<span class="history-new">政策', html
    )


def test_a_history_page_offers_no_revert(client, secretariat_user):
    org = factories.make_municipality()
    client.force_login(secretariat_user)
    version = org.history.get()
    url = reverse(
        "admin:meetings_organization_simple_history",
        args=[org.pk, version.history_id],
    )
    assert client.get(url).status_code == 404
    org.name = "書き換えた名前"
    org.save()
    assert (
        client.post(url, _organization_post(org, name="戻した名前")).status_code == 404
    )
    org.refresh_from_db()
    assert org.name == "書き換えた名前"
    assert "revert" not in client.get(_history_url(org)).content.decode().lower()


def test_the_history_page_of_another_headquarters_record_is_not_found(
    client, secretariat_user
):
    other_hq = factories.make_headquarters(
        name="よその本部", prefecture="石川県", prefecture_code="170003"
    )
    theirs = factories.make_meeting(headquarters=other_hq, number=3)
    ours = factories.make_meeting(number=3)
    client.force_login(secretariat_user)
    assert client.get(_history_url(ours)).status_code == 200
    assert client.get(_history_url(theirs)).status_code == 404
    assert client.get(_history_url(other_hq)).status_code == 404


def test_a_deleted_record_has_no_history_page(client, secretariat_user):
    person = Person.objects.create(
        headquarters=factories.make_headquarters(), name="消える人"
    )
    pk = person.pk
    person.delete()
    client.force_login(secretariat_user)
    url = reverse("admin:meetings_person_history", args=[pk])
    assert client.get(url).status_code == 404
    assert [h.history_type for h in Person.history.filter(id=pk)] == ["-", "+"]


def test_a_department_sees_the_history_of_its_own_items_only(client, department_user):
    own = factories.make_item(
        name="医療の連携", departments=[department_user.profile.organization]
    )
    other = factories.make_item(
        name="防災の連携", departments=[factories.make_department(name="危機管理局")]
    )
    own_year = factories.make_item_year(item=own)
    other_year = factories.make_item_year(item=other)
    client.force_login(department_user)
    assert client.get(_history_url(own)).status_code == 200
    assert client.get(_history_url(own_year)).status_code == 200
    assert client.get(_history_url(other)).status_code == 404
    assert client.get(_history_url(other_year)).status_code == 404


def test_department_users_see_no_history_of_meetings_records(client, department_user):
    meeting = factories.make_meeting()
    client.force_login(department_user)
    assert client.get(_history_url(meeting)).status_code == 403


def test_an_import_through_the_admin_leaves_history_with_the_user(
    client, secretariat_user
):
    factories.make_headquarters()
    existing = factories.make_municipality(name="高岡市", code="162027", order=2)
    text = (
        "名称,略称,種別,団体コード,上位の組織,表示順\n"
        "高岡市,高岡,市,162027,,2\n"
        "射水市,射水,市,162116,,3\n"
    )
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:meetings_organization_import"),
        {
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile(
                "orgs.csv", text.encode(), content_type="text/csv"
            ),
        },
    )
    assert response.status_code == 200
    confirm = dict(response.context["confirm_form"].initial)
    client.post(reverse("admin:meetings_organization_process_import"), confirm)

    created = Organization.objects.get(name="射水市")
    assert _rows(created) == [("+", "jimukyoku", "インポート")]
    assert _rows(existing)[-1] == ("~", "jimukyoku", "インポート")
    assert existing.history.latest().diff_against(
        existing.history.earliest()
    ).changed_fields == ["short_name"]


def _action(client, url_name, obj, action, **extra):
    return client.post(
        reverse(url_name),
        {"action": action, "_selected_action": [obj.pk], **extra},
    )


def test_copying_a_meeting_in_the_admin_names_the_source_in_each_rows_history(
    client, secretariat_user
):
    source = factories.make_meeting(fiscal_year=2021, number=1)
    factories.make_agenda_item(meeting=source)
    factories.make_material(meeting=source)
    factories.make_attendance(meeting=source)
    client.force_login(secretariat_user)
    form = _action(client, "admin:meetings_meeting_changelist", source, "copy_as_next")
    token = re.search(r'name="token" value="([^"]+)"', form.content.decode())[1]
    response = _action(
        client,
        "admin:meetings_meeting_changelist",
        source,
        "copy_as_next",
        apply="1",
        token=token,
        new_date="2021-09-01",
        number="2",
    )
    assert response.status_code == 302
    copy = Meeting.objects.get(fiscal_year=2021, number=2)
    reason = "会議をコピー（令和3年度第1回テスト連携推進本部会議から）"
    assert _rows(copy) == [("+", "jimukyoku", reason)]
    for row in (
        copy.agenda_items.get(),
        copy.materials.get(),
        copy.attendances.get(),  # written by bulk_create
    ):
        assert _rows(row) == [("+", "jimukyoku", reason)]
    html = client.get(_history_url(copy)).content.decode()
    assert reason in html


def test_publishing_and_distributing_leave_entries_with_the_user(
    client, secretariat_user
):
    meeting = factories.make_meeting(published=False)
    factories.make_material(meeting=meeting)
    client.force_login(secretariat_user)
    _action(client, "admin:meetings_meeting_changelist", meeting, "publish", apply="1")
    meeting.refresh_from_db()
    assert meeting.published
    assert _rows(meeting)[1:] == [
        ("~", "jimukyoku", "公開"),
        ("~", "jimukyoku", "配付（第1版）"),
    ]
    published = meeting.history.filter(history_change_reason="公開").get()
    delta = published.diff_against(meeting.history.earliest())
    # updated_at is no editable field: the diff leaves it out.
    assert set(delta.changed_fields) == {"published", "published_at"}


def test_rolling_over_a_year_in_the_admin_leaves_entries_with_the_reason(
    client, secretariat_user
):
    item = factories.make_item()
    year = factories.make_item_year(item=item, fiscal_year=2021)
    factories.make_result_row(item_year=year)
    client.force_login(secretariat_user)
    _action(client, "admin:workitems_itemyear_changelist", year, "roll_over")
    new_year = ItemYear.objects.get(item=item, fiscal_year=2022)
    assert _rows(new_year) == [("+", "jimukyoku", "年度更新")]
    new_row = ResultRow.objects.get(table__item_year=new_year)
    assert _rows(new_row) == [("+", "jimukyoku", "年度更新")]


def test_reasons_nest_and_end_with_their_block():
    assert history.current_reason() == ""
    with history.reason("外側"):
        with history.reason("内側"):
            assert history.current_reason() == "内側"
        assert history.current_reason() == "外側"
    assert history.current_reason() == ""


def test_queryset_update_leaves_a_history_row_per_row_with_new_values():
    meeting = factories.make_meeting()
    a = factories.make_attendance(meeting=meeting, name="甲")
    b = factories.make_attendance(meeting=meeting, name="乙", order=2)
    with history.reason("一括変更"):
        # The filter no longer matches after the update.
        Attendance.objects.filter(name__in=["甲", "乙"]).update(name="丙")
    for row in (a, b):
        latest = row.history.latest()
        assert (latest.history_type, latest.name) == ("~", "丙")
        assert latest.history_change_reason == "一括変更"
        assert latest.diff_against(row.history.earliest()).changed_fields == ["name"]


def test_bulk_create_and_bulk_update_leave_history_rows():
    meeting = factories.make_meeting()
    rows = Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, group="municipal", order=n, title=f"職{n}")
            for n in (1, 2)
        ]
    )
    assert [_rows(row) for row in rows] == [[("+", "", "")], [("+", "", "")]]
    for row in rows:
        row.name = "新しい氏名"
    Attendance.objects.bulk_update(iter(rows), ["name"])
    assert [row.history.latest().name for row in rows] == ["新しい氏名"] * 2
    assert [row.history.count() for row in rows] == [2, 2]


def test_queryset_delete_leaves_a_deletion_row_with_the_last_values():
    meeting = factories.make_meeting()
    row = factories.make_attendance(meeting=meeting, name="消える人")
    pk = row.pk
    Attendance.objects.filter(pk=pk).delete()
    latest = Attendance.history.filter(id=pk).latest()
    assert (latest.history_type, latest.name) == ("-", "消える人")


def test_deleting_selected_rows_in_the_admin_is_recorded(client, secretariat_user):
    person = Person.objects.create(
        headquarters=factories.make_headquarters(), name="一括で消える人"
    )
    pk = person.pk
    client.force_login(secretariat_user)
    client.post(
        reverse("admin:meetings_person_changelist"),
        {"action": "delete_selected", "_selected_action": [pk], "post": "yes"},
    )
    assert not Person.objects.filter(pk=pk).exists()
    latest = Person.history.filter(id=pk).latest()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "-",
        secretariat_user,
        "一括削除",
    )


def test_history_rows_do_not_move_the_content_version():
    meeting = factories.make_meeting()
    hq = meeting.headquarters_id
    before = versioning.current(hq)
    history.record(meeting, reason_text="確認")
    meeting.history.update(history_change_reason="書き換え")
    meeting.history.model.objects.filter(id=meeting.pk).delete()
    assert versioning.current(hq) == before
    assert getattr(meeting.history.model, "headquarters_path", None) is None


def test_a_login_leaves_no_history_row(client, secretariat_user):
    before = secretariat_user.history.count()
    assert client.login(username="jimukyoku", password="pw-for-tests-1")
    secretariat_user.refresh_from_db()
    assert secretariat_user.last_login is not None
    assert secretariat_user.history.count() == before


def test_an_accounts_history_holds_no_password_hash(secretariat_user):
    secretariat_user.set_password("another-pw-1")
    secretariat_user.save()
    historical = secretariat_user.history.model
    assert "password" not in {f.name for f in historical._meta.fields}


def test_a_services_write_outside_a_request_has_no_user():
    item = factories.make_item()
    year = factories.make_item_year(item=item, fiscal_year=2021)
    new_year = workitem_services.roll_over_item(item_year=year)
    assert _rows(new_year) == [("+", "", "年度更新")]
    assert WorkItem.history.filter(id=item.pk).count() == 1


def test_copy_by_the_service_outside_the_admin_names_its_source():
    source = factories.make_meeting(fiscal_year=2021, number=1)
    result = services.copy_meeting(meeting=source, new_date=dt.date(2021, 9, 1))
    assert _rows(result.meeting)[0][2].startswith("会議をコピー（令和3年度第1回")


def test_an_accounts_history_page_is_kept_to_its_headquarters(client, secretariat_user):
    other_hq = factories.make_headquarters(
        name="よその本部", prefecture="石川県", prefecture_code="170003"
    )
    theirs = factories.make_user(
        role="viewer", username="kanazawa", headquarters=other_hq
    )
    ours = factories.make_user(role="viewer", username="takaoka")
    ours.first_name = "太郎"
    ours.save()
    client.force_login(secretariat_user)
    page = client.get(_history_url(ours))
    assert page.status_code == 200
    assert re.search(
        r'history-old">（空）</span>\s*&rarr;\s*<span class="history-new">太郎',
        page.content.decode(),
    )
    assert client.get(_history_url(theirs)).status_code == 404


def test_no_role_may_edit_the_history(db):
    from django.contrib.auth.models import Permission

    from onechamber.roles import sync_groups

    groups = sync_groups()
    historical = Permission.objects.filter(content_type__model__startswith="historical")
    assert historical.exists()
    for group in groups.values():
        assert not group.permissions.filter(pk__in=historical).exists()


def test_a_replacement_through_the_admin_leaves_an_entry_with_the_user(
    client, secretariat_user
):
    meeting = factories.make_meeting(published=False)
    material = factories.make_material(meeting=meeting, text="第1版の本文")
    services.publish_meeting(meeting=meeting, by=secretariat_user)
    material.text = "差し替えた本文"
    material.save()
    client.force_login(secretariat_user)
    response = _action(
        client,
        "admin:meetings_meeting_changelist",
        meeting,
        "reissue",
        apply="1",
        note="本文を修正",
    )
    assert response.status_code == 302
    assert _rows(meeting)[-1] == ("~", "jimukyoku", "差し替え（第2版）")
    assert _rows(material)[-1] == ("~", "", "")
