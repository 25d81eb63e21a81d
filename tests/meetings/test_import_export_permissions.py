"""Import and export in the admin are the model's own permissions (import: add
and change, export: view), and an export holds only the rows the account's
admin list shows."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import Attendance, Organization, Person, Position
from onechamber.roles import SECRETARIAT, sync_groups
from tests import factories
from workitems.models import Session

pytestmark = pytest.mark.django_db

MEETINGS_MODELS = ["organization", "person", "position", "attendance"]


@pytest.fixture
def records():
    """One published meeting with 富山市長 attending, one unpublished meeting."""
    position = factories.make_position()
    published = factories.make_meeting(number=9, published=True)
    unpublished = factories.make_meeting(number=10, published=False)
    factories.make_attendance(meeting=published, position=position)
    factories.make_attendance(meeting=unpublished, name="未公開の出席者")
    return published


def _upload(name: str, text: str) -> dict:
    return {
        "format": "0",
        "resource": "0",
        "import_file": SimpleUploadedFile(name, text.encode(), content_type="text/csv"),
    }


def _csv_format(form) -> str:
    """The index of CSV among the export form's formats."""
    return next(
        str(value) for value, label in form.fields["format"].choices if label == "csv"
    )


def _export(client, url) -> list[dict]:
    """The rows of a CSV export, with every field the form offers."""
    form = client.get(url).context["form"]
    data = {
        name: "on" if field.initial is True else field.initial
        for name, field in form.fields.items()
        if field.initial not in (None, False)
    }
    data["format"] = _csv_format(form)
    response = client.post(url, data)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("model", MEETINGS_MODELS)
@pytest.mark.parametrize("action", ["import", "process_import", "export"])
def test_department_cannot_import_or_export_meetings_records(
    client, department_user, model, action
):
    client.force_login(department_user)
    url = reverse(f"admin:meetings_{model}_{action}")
    if action != "process_import":
        assert client.get(url).status_code == 403
    assert client.post(url, {"format": "0"}).status_code == 403


def test_department_import_creates_no_organization(client, department_user):
    client.force_login(department_user)
    before = Organization.objects.count()
    text = "名称,略称,種別,団体コード,上位の組織,表示順\n甲市,甲,市,162019,,1\n"
    response = client.post(
        reverse("admin:meetings_organization_import"), _upload("orgs.csv", text)
    )
    assert response.status_code == 403
    assert Organization.objects.count() == before
    assert not Organization.objects.filter(name="甲市").exists()


def test_department_import_renames_no_attendee(client, department_user, records):
    client.force_login(department_user)
    text = (
        "会議ID,区分,順番,職名,氏名,出席の形,代理出席者の職名,代理出席者の氏名,席の位置,席順\n"
        f"{records.pk},市町村,1,富山市長,書き換えた名前,出席,,,なし,0\n"
    )
    for action in ("import", "process_import"):
        response = client.post(
            reverse(f"admin:meetings_attendance_{action}"), _upload("att.csv", text)
        )
        assert response.status_code == 403
    assert list(records.attendances.values_list("title", "name")) == [
        ("富山市長", "藤井 裕久")
    ]
    assert Attendance.objects.count() == 2


def test_department_import_changes_no_person_or_position(client, department_user):
    position = factories.make_position()
    client.force_login(department_user)
    people = Person.objects.count()
    response = client.post(
        reverse("admin:meetings_person_import"),
        _upload(
            "people.csv", "氏名,ふりがな\n藤井 裕久,かきかえ\n新しい人,あたらしいひと\n"
        ),
    )
    assert response.status_code == 403
    response = client.post(
        reverse("admin:meetings_position_import"),
        _upload("positions.csv", "組織,職名,表示順\n富山市,富山市長,99\n"),
    )
    assert response.status_code == 403
    assert Person.objects.count() == people
    assert Person.objects.get().kana == ""
    assert Position.objects.get() == position
    assert position.order == Position.objects.get().order


def test_import_needs_change_as_well_as_add(client, department_user):
    """An account with add but not change on a model imports nothing: an
    import updates the rows it matches."""
    department_user.user_permissions.add(
        Permission.objects.get(codename="add_organization")
    )
    client.force_login(department_user)
    url = reverse("admin:meetings_organization_import")
    assert client.get(url).status_code == 403
    department_user.user_permissions.add(
        Permission.objects.get(codename="change_organization")
    )
    client.force_login(department_user)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("model", MEETINGS_MODELS)
def test_secretariat_opens_import_and_export(client, secretariat_user, model):
    client.force_login(secretariat_user)
    for action in ("import", "export"):
        url = reverse(f"admin:meetings_{model}_{action}")
        assert client.get(url).status_code == 200


def test_secretariat_exports_and_reimports_attendance(
    client, secretariat_user, records
):
    client.force_login(secretariat_user)
    rows = _export(client, reverse("admin:meetings_attendance_export"))
    assert sorted(row["氏名"] for row in rows) == ["未公開の出席者", "藤井 裕久"]
    edited = [row for row in rows if row["会議ID"] == str(records.pk)]
    edited[0]["氏名"] = "書き換えた名前"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(edited[0]))
    writer.writeheader()
    writer.writerows(edited)
    response = client.post(
        reverse("admin:meetings_attendance_import"),
        _upload("att.csv", out.getvalue()),
    )
    assert response.status_code == 200
    confirm = dict(response.context["confirm_form"].initial)
    client.post(reverse("admin:meetings_attendance_process_import"), confirm)
    assert list(records.attendances.values_list("name", flat=True)) == [
        "書き換えた名前"
    ]


def test_only_the_secretariat_may_see_attendance_or_unpublished_meetings(db):
    """Who may export attendees at all: no role but the secretariat holds
    view_attendance, so no export can show an unpublished meeting's attendees
    to an account that may not see that meeting."""
    groups = sync_groups()
    holders = {
        name
        for name, group in groups.items()
        if group.permissions.filter(codename="view_attendance").exists()
    }
    assert holders == {SECRETARIAT}
    assert set(
        Group.objects.filter(
            permissions__codename="view_unpublished_meeting"
        ).values_list("name", flat=True)
    ) == {SECRETARIAT}


# A workitems model that departments keep: sessions.


@pytest.fixture
def two_departments_sessions():
    own = factories.make_department(name="危機管理局")
    other = factories.make_department(name="厚生部")
    own_item = factories.make_item(name="防災の連携", departments=[own])
    other_item = factories.make_item(name="医療の連携", departments=[other])
    factories.make_session(
        measure=factories.make_measure(item=own_item, name="防災訓練"),
        topic="自部局の会議",
    )
    factories.make_session(
        measure=factories.make_measure(item=other_item, name="医療連携"),
        topic="他部局の会議",
    )
    user = factories.make_user(role="department", username="kiki", organization=own)
    return user


def _csv_of(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _import(client, model: str, text: str):
    response = client.post(
        reverse(f"admin:workitems_{model}_import"), _upload(f"{model}.csv", text)
    )
    assert response.status_code == 200
    if "confirm_form" not in response.context:
        return response
    confirm = dict(response.context["confirm_form"].initial)
    return client.post(reverse(f"admin:workitems_{model}_process_import"), confirm)


def test_department_imports_its_own_sessions_only(
    client, secretariat_user, two_departments_sessions
):
    client.force_login(secretariat_user)
    every = _export(client, reverse("admin:workitems_session_export"))
    other = [row for row in every if row["協議の内容"] == "他部局の会議"]

    client.force_login(two_departments_sessions)
    own = _export(client, reverse("admin:workitems_session_export"))
    own[0]["協議の内容"] = "直した自部局の会議"
    _import(client, "session", _csv_of(own))
    assert sorted(Session.objects.values_list("topic", flat=True)) == [
        "他部局の会議",
        "直した自部局の会議",
    ]

    # A row of another department's item is refused, and with it the file.
    other[0]["協議の内容"] = "書き換えた他部局の会議"
    own[0]["協議の内容"] = "また直した"
    response = _import(client, "session", _csv_of(own + other))
    assert "confirm_form" not in response.context
    assert (
        response.context["result"].has_errors()
        or response.context["result"].has_validation_errors()
    )
    assert sorted(Session.objects.values_list("topic", flat=True)) == [
        "他部局の会議",
        "直した自部局の会議",
    ]


def test_department_exports_only_its_own_sessions(client, two_departments_sessions):
    client.force_login(two_departments_sessions)
    rows = _export(client, reverse("admin:workitems_session_export"))
    assert [row["協議の内容"] for row in rows] == ["自部局の会議"]


def test_secretariat_exports_every_session(
    client, secretariat_user, two_departments_sessions
):
    client.force_login(secretariat_user)
    rows = _export(client, reverse("admin:workitems_session_export"))
    assert sorted(row["協議の内容"] for row in rows) == ["他部局の会議", "自部局の会議"]
    assert client.get(reverse("admin:workitems_session_import")).status_code == 200


def test_viewer_cannot_reach_import_or_export(client, viewer_user):
    client.force_login(viewer_user)
    for url in (
        reverse("admin:meetings_attendance_export"),
        reverse("admin:workitems_session_export"),
        reverse("admin:meetings_organization_import"),
    ):
        assert client.get(url).status_code == 302
