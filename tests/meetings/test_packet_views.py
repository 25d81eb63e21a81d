"""Packet URLs, links, admin action and button, command; who may fetch what."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from meetings.forms import MaterialForm
from meetings.models import Material
from tests import factories
from tests.factories import make_corrupt_pdf_bytes, make_pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_meeting():
    meeting = factories.make_meeting(published=True)
    factories.make_agenda_item(meeting=meeting, title="開会")
    factories.make_material(meeting=meeting, title="本文の資料", text="主な内容")
    factories.make_material(
        meeting=meeting, series="reference", title="参考の資料", text="参考の内容"
    )
    factories.make_attendance(meeting=meeting)
    return meeting


@pytest.fixture
def draft_meeting():
    meeting = factories.make_meeting(published=False, number=2)
    factories.make_material(meeting=meeting, title="未公開の資料", text="下書き")
    return meeting


def pdf_pages(response) -> list[str]:
    data = b"".join(response.streaming_content)
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def urls(meeting) -> list[str]:
    return [
        reverse("meetings:packet", args=[meeting.pk]),
        reverse("meetings:material_pdf", args=[meeting.pk, 1]),
    ]


def test_packet_urls_are_the_documented_ones(small_meeting):
    pk = small_meeting.pk
    assert reverse("meetings:packet", args=[pk]) == f"/meetings/{pk}/packet.pdf"
    assert (
        reverse("meetings:material_pdf", args=[pk, 1])
        == f"/meetings/{pk}/materials/1.pdf"
    )
    assert (
        reverse("meetings:reference_pdf", args=[pk, 2])
        == f"/meetings/{pk}/reference/2.pdf"
    )


@pytest.mark.parametrize("role", ["viewer_user", "department_user", "secretariat_user"])
def test_every_role_downloads_a_published_packet(client, small_meeting, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("meetings:packet", args=[small_meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    texts = pdf_pages(response)
    assert len(texts) == 5
    assert "本文の資料" in texts[3] and texts[3].endswith("資料1\n- 4 -")


def test_material_and_reference_pdfs_alone(client, viewer_user, small_meeting):
    client.force_login(viewer_user)
    main = client.get(reverse("meetings:material_pdf", args=[small_meeting.pk, 1]))
    ref = client.get(reverse("meetings:reference_pdf", args=[small_meeting.pk, 1]))
    assert pdf_pages(main) == ["本文の資料\n主な内容\n資料1\n- 1 -"]
    assert pdf_pages(ref) == ["参考の資料\n参考の内容\n参考資料1\n- 1 -"]
    missing = client.get(reverse("meetings:reference_pdf", args=[small_meeting.pk, 2]))
    assert missing.status_code == 404


@pytest.mark.parametrize("role", ["viewer_user", "department_user"])
def test_unpublished_packet_and_materials_are_404_for_others(
    client, draft_meeting, role, request
):
    client.force_login(request.getfixturevalue(role))
    for url in urls(draft_meeting):
        assert client.get(url).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, small_meeting):
    for url in urls(small_meeting):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_secretariat_previews_an_unpublished_packet_marked_draft(
    client, secretariat_user, draft_meeting
):
    client.force_login(secretariat_user)
    response = client.get(reverse("meetings:packet", args=[draft_meeting.pk]))
    assert response.status_code == 200
    assert "%EF%BC%88%E6%A1%88%EF%BC%89.pdf" in response["Content-Disposition"]
    texts = pdf_pages(response)
    assert [t.split("\n")[-2] for t in texts] == ["案", "案", "案", "案 資料1"]


def test_meeting_page_links_to_the_packet_and_each_material(
    client, viewer_user, small_meeting
):
    client.force_login(viewer_user)
    html = client.get(small_meeting.get_absolute_url()).content.decode()
    assert f'href="/meetings/{small_meeting.pk}/packet.pdf"' in html
    assert "資料一式（PDF）" in html
    assert f'href="/meetings/{small_meeting.pk}/materials/1.pdf"' in html
    assert f'href="/meetings/{small_meeting.pk}/reference/1.pdf"' in html
    page = client.get(
        reverse("meetings:material_detail", args=[small_meeting.pk, 1])
    ).content.decode()
    assert f'href="/meetings/{small_meeting.pk}/materials/1.pdf"' in page


def test_admin_button_and_action_lead_to_the_portal_packet(
    client, secretariat_user, draft_meeting
):
    client.force_login(secretariat_user)
    change = client.get(
        reverse("admin:meetings_meeting_change", args=[draft_meeting.pk])
    )
    button = reverse("admin:meetings_meeting_packet", args=[draft_meeting.pk])
    assert f'href="{button}"' in change.content.decode()
    portal = reverse("meetings:packet", args=[draft_meeting.pk])
    assert client.get(button)["Location"] == portal
    assert len(pdf_pages(client.get(button, follow=True))) == 4

    response = client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "packet_pdf", "_selected_action": [draft_meeting.pk]},
    )
    assert response["Location"] == portal


def test_admin_action_wants_exactly_one_meeting(
    client, secretariat_user, draft_meeting, small_meeting
):
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:meetings_meeting_changelist"),
        {
            "action": "packet_pdf",
            "_selected_action": [draft_meeting.pk, small_meeting.pk],
        },
        follow=True,
    )
    assert "資料一式のPDFを作成する会議を1件だけ選んでください。" in (
        response.content.decode()
    )


def test_build_packet_command_writes_the_pdf(small_meeting, tmp_path):
    out = tmp_path / "out.pdf"
    stdout = io.StringIO()
    call_command("build_packet", str(small_meeting.pk), "-o", str(out), stdout=stdout)
    assert len(PdfReader(out).pages) == 5
    assert "5 pages" in stdout.getvalue()


def _form(meeting, data: bytes, name: str = "upload.pdf") -> MaterialForm:
    return MaterialForm(
        data={
            "series": "main",
            "order": 5,
            "title": "アップロード資料",
            "content": "pdf",
            "section_kind": "",
            "text": "",
        },
        files={"file": SimpleUploadedFile(name, data, "application/pdf")},
        instance=Material(meeting=meeting),
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            make_corrupt_pdf_bytes(),
            "PDFファイルが壊れているため読み込めません",
        ),
        (
            b"PK\x03\x04 not a pdf",
            "PDFファイルではありません。PDF形式で保存したファイルを選んでください。",
        ),
        (
            make_pdf_bytes(pages=1)[:-200],
            "PDFファイルが壊れているため読み込めません",
        ),
    ],
)
def test_corrupt_upload_is_refused_with_a_clear_message(small_meeting, data, message):
    form = _form(small_meeting, data)
    assert not form.is_valid()
    assert message in form.errors["file"][0]
    assert Material.objects.filter(title="アップロード資料").count() == 0


def test_encrypted_upload_is_refused(small_meeting):
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(make_pdf_bytes(pages=1)))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    form = _form(small_meeting, out.getvalue())
    assert not form.is_valid()
    assert form.errors["file"][0] == (
        "パスワードで保護されたPDFは使えません。保護を外して保存してください。"
    )


def test_good_upload_is_accepted(small_meeting):
    form = _form(small_meeting, make_pdf_bytes(pages=2))
    assert form.is_valid(), form.errors
    material = form.save()
    assert material.file.name.startswith("materials/")
