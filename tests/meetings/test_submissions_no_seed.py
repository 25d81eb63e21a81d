"""提出: the secretariat asks a department for a material by a date, the
department submits its PDF, the secretariat sends it back with a comment or
approves it; every step keeps who and when, and the packet holds the file."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meetings import checklist, editions
from meetings.models import Material, Submission
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def kousei():
    return factories.make_organization(name="厚生部", kind="department")


@pytest.fixture
def kousei_user(kousei):
    return factories.make_user(
        role="department", username="kousei", organization=kousei
    )


@pytest.fixture
def doboku_user():
    doboku = factories.make_organization(name="土木部", kind="department")
    return factories.make_user(
        role="department", username="doboku", organization=doboku
    )


@pytest.fixture
def material(kousei, secretariat_user, client):
    """資料1 of a meeting, asked of 厚生部 through the admin by the secretariat."""
    meeting = factories.make_meeting(
        fiscal_year=2021, number=4, date=dt.date(2022, 1, 20)
    )
    factories.make_agenda_item(meeting=meeting)
    material = factories.make_material(
        meeting=meeting, title="ワクチン接種の状況", content="text", text="（提出待ち）"
    )
    client.force_login(secretariat_user)
    response = client.post(
        reverse("admin:meetings_material_change", args=[material.pk]),
        {
            "meeting": meeting.pk,
            "series": "main",
            "order": 1,
            "title": material.title,
            "department": kousei.pk,
            "deadline": "令和4年1月14日",
            "content": "text",
            "section_kind": "",
            "text": material.text,
            # A 本文 material's page has its figures' inline (none here).
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    material.refresh_from_db()
    return material


def _pdf(name="shiryou4.pdf", pages=3):
    return SimpleUploadedFile(
        name, factories.make_pdf_bytes(pages=pages, text="KOUSEI"), "application/pdf"
    )


def test_setting_department_and_deadline_asks_the_department(
    material, secretariat_user
):
    assert material.submission == "requested"
    assert material.deadline == dt.date(2022, 1, 14)
    step = material.submissions.get()
    assert (step.step, step.by, step.by_name) == (
        "requested",
        secretariat_user,
        "jimukyoku",
    )


def test_the_department_sees_what_is_asked_of_it_and_no_other(
    client, material, kousei_user, doboku_user
):
    client.force_login(kousei_user)
    index = client.get(reverse("admin:index")).content.decode()
    assert "提出をお願いしている資料" in index and "未提出・差し戻し 1件" in index
    listing = client.get(reverse("admin:meetings_material_submissions"))
    assert listing.status_code == 200
    assert "ワクチン接種の状況" in listing.content.decode()
    assert (
        client.get(
            reverse("admin:meetings_material_submit", args=[material.pk])
        ).status_code
        == 200
    )
    # 土木部 is asked for nothing, and 厚生部's material is not found for it.
    client.force_login(doboku_user)
    body = client.get(reverse("admin:meetings_material_submissions")).content.decode()
    assert (
        "ワクチン接種の状況" not in body
        and "提出をお願いしている資料はありません" in body
    )
    for name in ("submit", "review", "change"):
        response = client.get(
            reverse(f"admin:meetings_material_{name}", args=[material.pk])
        )
        assert response.status_code in (403, 404), name
    response = client.post(
        reverse("admin:meetings_material_submit", args=[material.pk]), {"file": _pdf()}
    )
    assert response.status_code == 404
    material.refresh_from_db()
    assert material.submission == "requested" and not material.file


def test_submit_send_back_resubmit_approve_and_the_packet_holds_it(
    client, material, kousei_user, secretariat_user
):
    submit_url = reverse("admin:meetings_material_submit", args=[material.pk])
    review_url = reverse("admin:meetings_material_review", args=[material.pk])
    client.force_login(kousei_user)
    response = client.post(
        submit_url, {"file": _pdf(pages=2), "comment": "よろしくお願いします"}
    )
    assert response.status_code == 302
    material.refresh_from_db()
    # The draft stays on its submission: the material (what viewers, the
    # packet and editions read) is unchanged until the secretariat approves.
    assert (material.submission, material.content) == ("submitted", "text")
    assert not material.file
    handed_in = material.submissions.get(step="submitted")
    assert (
        handed_in.file.name.endswith(".pdf") and handed_in.file_name == "shiryou4.pdf"
    )
    # Not open for a second submission while the secretariat looks at it.
    page = client.get(submit_url).content.decode()
    assert "事務局が確認しています" in page

    client.force_login(secretariat_user)
    assert "確認待ち 1件" in client.get(reverse("admin:index")).content.decode()
    # Sending back needs a reason.
    response = client.post(review_url, {"send_back": "1", "comment": " "})
    assert response.status_code == 200
    assert "差し戻す理由" in response.content.decode()
    response = client.post(
        review_url,
        {"send_back": "1", "comment": "3ページ目の数字を最新にしてください。"},
    )
    assert response.status_code == 302
    material.refresh_from_db()
    assert material.submission == "returned"

    client.force_login(kousei_user)
    page = client.get(submit_url).content.decode()
    assert "事務局からの差し戻し" in page and "3ページ目の数字を最新に" in page
    assert client.post(submit_url, {"file": _pdf(pages=3)}).status_code == 302

    client.force_login(secretariat_user)
    assert client.post(review_url, {"approve": "1", "comment": ""}).status_code == 302
    material.refresh_from_db()
    assert (material.submission, material.content) == ("approved", "pdf")
    with material.file.open("rb") as stream:
        assert len(pypdf.PdfReader(stream).pages) == 3  # the second file
    steps = list(material.submissions.values_list("step", "by_name"))
    assert steps == [
        ("requested", "jimukyoku"),
        ("submitted", "kousei"),
        ("returned", "jimukyoku"),
        ("submitted", "kousei"),
        ("approved", "jimukyoku"),
    ]
    review = client.get(review_url).content.decode()
    assert "3ページ目の数字を最新に" in review and "提出されたPDFを見る" in review

    # The packet holds the department's second file (3 pages).
    meeting = material.meeting
    edition = editions.distribute(meeting=meeting, by=secretariat_user)
    edition.refresh_from_db()
    assert edition.state == "ready", edition.error
    item = edition.items.get(role="material")
    assert item.page_count == 3
    with editions.open_file(edition.file_name) as handle:
        text = "".join(p.extract_text() for p in pypdf.PdfReader(handle).pages)
    assert "KOUSEI 3" in text


def test_a_broken_pdf_is_refused_with_a_message(client, material, kousei_user):
    client.force_login(kousei_user)
    broken = SimpleUploadedFile(
        "x.pdf", factories.make_corrupt_pdf_bytes(), "application/pdf"
    )
    response = client.post(
        reverse("admin:meetings_material_submit", args=[material.pk]), {"file": broken}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    material.refresh_from_db()
    assert material.submission == "requested" and not material.file
    assert material.submissions.count() == 1


def test_overdue_materials_lead_the_reminder_list_and_the_checklist(
    client, material, secretariat_user
):
    client.force_login(secretariat_user)
    page = client.get(reverse("admin:meetings_material_submissions")).content.decode()
    # 令和4年1月14日 is long past.
    assert "提出期限を過ぎている資料（1件）" in page
    found = [f for f in checklist.check(material.meeting) if f.part == "submissions"]
    assert [f.message for f in found] == [
        "資料1「ワクチン接種の状況」（厚生部）は未提出です（期限 令和4年1月14日）。"
    ]


def test_a_department_cannot_review_and_a_viewer_cannot_submit(
    client, material, kousei_user, viewer_user
):
    client.force_login(kousei_user)
    response = client.post(
        reverse("admin:meetings_material_review", args=[material.pk]), {"approve": "1"}
    )
    assert response.status_code in (403, 404)
    client.force_login(viewer_user)
    response = client.get(reverse("admin:meetings_material_submissions"))
    assert response.status_code == 302  # not staff: the admin login
    material.refresh_from_db()
    assert material.submission == "requested"
    assert Submission.objects.count() == 1
    assert Material.objects.get().deadline < timezone.localdate()


def test_the_secretariat_reviews_the_submitted_file_after_a_distribution(
    client, material, kousei_user, secretariat_user
):
    editions.distribute(meeting=material.meeting, by=secretariat_user)
    client.force_login(kousei_user)
    submitted = client.post(
        reverse("admin:meetings_material_submit", args=[material.pk]),
        {"file": _pdf(pages=2)},
    )
    assert submitted.status_code == 302
    file_url = reverse("admin:meetings_material_submitted_file", args=[material.pk])
    # The department does not review: not found for it.
    assert client.get(file_url).status_code == 404

    client.force_login(secretariat_user)
    review = client.get(reverse("admin:meetings_material_review", args=[material.pk]))
    assert f'<a href="{file_url}">提出されたPDFを見る</a>' in review.content.decode()
    response = client.get(file_url)
    # The department's PDF, not 第1版's 資料1 (its text, distributed before).
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == (
        "max-age=0, no-cache, no-store, must-revalidate, private"
    )
    reader = pypdf.PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert [p.extract_text() for p in reader.pages] == ["KOUSEI 1", "KOUSEI 2"]


def test_a_draft_never_reaches_viewers_before_approval(
    client, material, kousei_user, secretariat_user
):
    """A submitted or returned file is the department's draft: the portal's
    file of the material stays what it was until the secretariat approves."""
    meeting = material.meeting
    viewer = factories.make_user(
        role="viewer",
        username="toyama",
        organization=factories.make_municipality(name="富山市", code="162019"),
    )
    client.force_login(kousei_user)
    submit_url = reverse("admin:meetings_material_submit", args=[material.pk])
    assert client.post(submit_url, {"file": _pdf(pages=2)}).status_code == 302
    client.force_login(viewer)
    page = client.get(reverse("meetings:material_detail", args=[meeting.pk, 1]))
    assert "（提出待ち）" in page.content.decode()
    file_url = reverse("meetings:material_file", args=[meeting.pk, 1])
    assert client.get(file_url).status_code == 404
    client.force_login(secretariat_user)
    review_url = reverse("admin:meetings_material_review", args=[material.pk])
    client.post(review_url, {"send_back": "1", "comment": "直してください"})
    client.force_login(viewer)
    assert client.get(file_url).status_code == 404
    material.refresh_from_db()
    assert not material.file


def test_an_approved_material_can_be_asked_for_again(
    client, material, kousei_user, secretariat_user
):
    submit_url = reverse("admin:meetings_material_submit", args=[material.pk])
    review_url = reverse("admin:meetings_material_review", args=[material.pk])
    client.force_login(kousei_user)
    client.post(submit_url, {"file": _pdf(pages=2)})
    client.force_login(secretariat_user)
    client.post(review_url, {"approve": "1", "comment": ""})
    page = client.get(review_url).content.decode()
    assert "もう一度提出を依頼する" in page
    response = client.post(
        review_url,
        {"request_again": "1", "comment": "最新の数字に差し替えてください。"},
    )
    assert response.status_code == 302
    material.refresh_from_db()
    assert material.submission == "requested"
    # The approved file stays until the new one is approved.
    with material.file.open("rb") as stream:
        assert len(pypdf.PdfReader(stream).pages) == 2
    client.force_login(kousei_user)
    assert "最新の数字に差し替えて" in client.get(submit_url).content.decode()
    assert client.post(submit_url, {"file": _pdf(pages=3)}).status_code == 302
    material.refresh_from_db()
    with material.file.open("rb") as stream:
        assert len(pypdf.PdfReader(stream).pages) == 2
    # Asking again is only for an approved material.
    client.force_login(secretariat_user)
    response = client.post(review_url, {"request_again": "1", "comment": ""})
    assert "もう一度依頼できるのは承認済の資料だけです（今は提出済）。" in (
        response.content.decode()
    )
