import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import Material, Organization
from tests import factories

pytestmark = pytest.mark.django_db

MODELS = [
    "organization",
    "person",
    "position",
    "headquarters",
    "meeting",
    "attendance",
    "material",
]


def test_admin_is_in_japanese(client, secretariat_user):
    client.force_login(secretariat_user)
    html = client.get(reverse("admin:index")).content.decode()
    assert "onechamber 管理画面" in html
    assert "会議" in html


def test_secretariat_edits_users(client, secretariat_user):
    client.force_login(secretariat_user)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_department_users_cannot_edit_meetings_records(client, department_user, model):
    client.force_login(department_user)
    assert client.get(reverse(f"admin:meetings_{model}_changelist")).status_code == 403


def test_viewer_is_sent_to_admin_login(client, viewer_user):
    client.force_login(viewer_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_wrong_check_digit_is_shown_in_the_organization_form(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:meetings_organization_add"),
        {"name": "テスト市", "kind": "city", "code": "162010", "order": 0},
    )
    assert response.status_code == 200
    assert (
        "全国地方公共団体コード「162010」は正しくありません。"
        in response.content.decode()
    )
    assert not Organization.objects.filter(name="テスト市").exists()


def _action(client, action, meeting, **extra):
    return client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": action, "_selected_action": [meeting.pk], **extra},
    )


def test_publish_action_makes_the_meeting_visible_to_viewers(
    client, secretariat_user, viewer_user
):
    meeting = factories.make_meeting(published=False)
    client.force_login(viewer_user)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    client.force_login(secretariat_user)
    factories.make_material(meeting=meeting, title="報告事項")
    # The action asks first, showing what viewers will see; nothing changes yet.
    confirm = _action(client, "publish", meeting)
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert "全市町村の閲覧アカウントのポータルに表示されます" in body
    assert "資料1　報告事項" in body and "準備チェックリスト" in body
    meeting.refresh_from_db()
    assert not meeting.published
    _action(client, "publish", meeting, apply="1")
    client.force_login(viewer_user)
    assert client.get(meeting.get_absolute_url()).status_code == 200


def _material_post(meeting, **fields):
    data = {
        "headquarters": meeting.headquarters_id,
        "fiscal_year": meeting.fiscal_year,
        "number": meeting.number,
        "kind": meeting.kind,
        "topic": "",
        "format": "in_person",
        "date": meeting.date.isoformat(),
        "approx_part": 0,
        "status": meeting.status,
        "venue": "",
        "venue_short": "",
        "note": "",
        "agenda_items-TOTAL_FORMS": 0,
        "agenda_items-INITIAL_FORMS": 0,
        "attendances-TOTAL_FORMS": 0,
        "attendances-INITIAL_FORMS": 0,
        "materials-TOTAL_FORMS": 1,
        "materials-INITIAL_FORMS": 0,
        "materials-0-series": "main",
        "materials-0-order": 1,
        "materials-0-title": "アップロード資料",
        "materials-0-content": "pdf",
        "materials-0-section_kind": "",
        "materials-0-text": "",
    }
    data.update(fields)
    return data


def test_uploaded_pdf_material_is_saved(client, secretariat_user):
    meeting = factories.make_meeting()
    client.force_login(secretariat_user)
    upload = SimpleUploadedFile(
        "a.pdf", factories.make_pdf_bytes(), content_type="application/pdf"
    )
    response = client.post(
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        _material_post(meeting, **{"materials-0-file": upload}),
    )
    assert response.status_code == 302
    material = Material.objects.get(meeting=meeting)
    assert material.file.read(5) == b"%PDF-"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a pdf at all", "PDFファイルではありません。"),
        (
            b"%PDF-1.7\n garbage without a page tree",
            "PDFファイルが壊れているため読み込めません",
        ),
    ],
)
def test_bad_pdf_upload_is_refused_with_a_message_and_saves_nothing(
    client, secretariat_user, content, message
):
    meeting = factories.make_meeting()
    client.force_login(secretariat_user)
    upload = SimpleUploadedFile("bad.pdf", content, content_type="application/pdf")
    response = client.post(
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        _material_post(meeting, **{"materials-0-file": upload, "topic": "変更"}),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Material.objects.filter(meeting=meeting).exists()
    meeting.refresh_from_db()
    assert meeting.topic == ""


def test_pdf_over_the_size_limit_is_refused(client, secretariat_user, settings):
    settings.MATERIAL_MAX_UPLOAD_MB = 0
    meeting = factories.make_meeting()
    client.force_login(secretariat_user)
    upload = SimpleUploadedFile(
        "a.pdf", factories.make_pdf_bytes(), content_type="application/pdf"
    )
    response = client.post(
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        _material_post(meeting, **{"materials-0-file": upload}),
    )
    assert "PDFファイルが大きすぎます（上限 0 MB）。" in response.content.decode()


def test_pdf_material_without_file_is_refused(client, secretariat_user):
    meeting = factories.make_meeting()
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        _material_post(meeting),
    )
    assert response.status_code == 200
    assert "PDFファイルを選んでください。" in response.content.decode()


def test_organization_import_is_all_or_nothing(client, secretariat_user):
    client.force_login(secretariat_user)
    csv = "名称,略称,種別,団体コード,上位の組織,表示順\n甲市,甲,city,162019,,1\n乙市,乙,city,162010,,2\n"
    response = client.post(
        reverse("admin:meetings_organization_import"),
        {
            "format": "0",
            "import_file": SimpleUploadedFile(
                "orgs.csv", csv.encode(), content_type="text/csv"
            ),
            "resource": "0",
        },
    )
    assert response.status_code == 200
    assert (
        "全国地方公共団体コード「162010」は正しくありません。"
        in response.content.decode()
    )
    assert not Organization.objects.filter(name__in=["甲市", "乙市"]).exists()
    assert get_user_model().objects.count() == 1


def test_organization_import_reads_japanese_kind_labels(client, secretariat_user):
    client.force_login(secretariat_user)
    csv = "名称,略称,種別,団体コード,上位の組織,表示順\n甲市,甲,市,162019,,1\n乙課,,課・室,,,2\n"
    response = client.post(
        reverse("admin:meetings_organization_import"),
        {
            "format": "0",
            "import_file": SimpleUploadedFile(
                "orgs.csv", csv.encode(), content_type="text/csv"
            ),
            "resource": "0",
        },
    )
    assert response.status_code == 200
    assert "エラー" not in response.content.decode()
    confirm = dict(response.context["confirm_form"].initial)
    client.post(reverse("admin:meetings_organization_process_import"), confirm)
    assert list(
        Organization.objects.filter(name__in=["甲市", "乙課"]).values_list(
            "name", "kind"
        )
    ) == [("甲市", "city"), ("乙課", "division")]


def test_organization_import_names_the_allowed_kinds(client, secretariat_user):
    client.force_login(secretariat_user)
    csv = "名称,略称,種別,団体コード,上位の組織,表示順\n甲市,甲,市役所,,,1\n"
    response = client.post(
        reverse("admin:meetings_organization_import"),
        {
            "format": "0",
            "import_file": SimpleUploadedFile(
                "orgs.csv", csv.encode(), content_type="text/csv"
            ),
            "resource": "0",
        },
    )
    assert "「市役所」は選べません。" in response.content.decode()
    assert not Organization.objects.filter(name="甲市").exists()
