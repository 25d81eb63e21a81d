"""End to end, in Chromium: the secretariat asks 厚生部 for 資料4 of the seed
meeting by a date, 厚生部 submits a PDF, is sent back with a comment, submits
another, the secretariat approves it and the distributed packet holds the
second file; another department finds neither page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from meetings.models import Material, Organization
from tests import factories
from tests.browser.test_meetings import SEED_NAME, log_in, run_admin_action

pytestmark = pytest.mark.browser

TITLE = "新型コロナワクチンの追加接種の前倒しについて"
# Distinctive page texts: pypdf reads them back out of the packet.
FIRST = "KOUSEI DRAFT"
SECOND = "KOUSEI FINAL"
COMMENT = "2ページ目の接種率を1月14日時点の数字にしてください。"


def _pdf_file(tmp_path, name: str, text: str, pages: int):
    """A small valid PDF on disk, for the file chooser."""
    path = tmp_path / name
    path.write_bytes(factories.make_pdf_bytes(pages=pages, text=text))
    return path


def _text(path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def test_a_department_submits_is_sent_back_resubmits_and_the_packet_holds_it(
    new_page, seed, secretariat_user, tmp_path, screenshot
):
    factories.make_user(
        role="department",
        username="kousei",
        organization=Organization.objects.get(name="厚生部"),
    )
    factories.make_user(
        role="department",
        username="keiei",
        organization=Organization.objects.get(name="経営管理部"),
    )
    material = Material.objects.get(meeting=seed, title=TITLE)
    assert material.submission == ""

    # The secretariat asks 厚生部 for 資料4 by 令和4年1月14日.
    admin = new_page()
    admin.goto("/admin/")
    log_in(admin, username="jimukyoku")
    admin.get_by_role("link", name="配付資料", exact=True).click()
    admin.get_by_role("searchbox").fill(TITLE)
    admin.get_by_role("button", name="検索").click()
    admin.get_by_role("link", name=TITLE).click()
    admin.wait_for_url(f"**/admin/meetings/material/{material.pk}/change/?*")
    # The seed names 厚生部 already; choose it again as a user would in the
    # autocomplete (whose combobox is named by its value, not by the label).
    department = admin.locator(".form-row").filter(has=admin.get_by_text("提出部局:"))
    department.get_by_role("combobox").click()
    admin.keyboard.type("厚生部")
    admin.get_by_role("option", name="厚生部", exact=True).click()
    admin.get_by_label("提出期限").fill("令和4年1月14日")
    admin.get_by_role("button", name="保存", exact=True).click()
    expect(admin.locator("ul.messagelist li.success")).to_be_visible()
    material.refresh_from_db()
    assert (material.department.name, material.deadline) == (
        "厚生部",
        dt.date(2022, 1, 14),
    )
    assert material.submission == "requested"

    # 厚生部 sees what is asked of it and submits a first PDF.
    dept = new_page()
    dept.goto("/admin/")
    log_in(dept, username="kousei")
    summary = dept.locator(".submissions-summary")
    expect(summary.get_by_role("heading")).to_have_text("提出をお願いしている資料")
    summary.get_by_role("link").click()
    expect(dept.locator("h1")).to_have_text("提出をお願いしている資料")
    row = dept.locator("#result_list tbody tr").filter(has_text=TITLE)
    expect(row).to_contain_text("厚生部")
    expect(row).to_contain_text("未提出")
    row.get_by_role("link", name="提出する").click()
    dept.wait_for_url(f"**/admin/meetings/material/{material.pk}/submit/")
    dept.get_by_label("PDFファイル").set_input_files(
        _pdf_file(tmp_path, "shiryou4.pdf", FIRST, pages=2)
    )
    dept.get_by_label("事務局へのひとこと").fill("よろしくお願いします。")
    dept.get_by_role("button", name="提出する").click()
    expect(dept.locator("ul.messagelist li.success")).to_have_text(
        f"「{TITLE}」を提出しました。事務局の確認をお待ちください。"
    )
    material.refresh_from_db()
    # The draft waits on its submission; the material is as it was.
    assert (material.submission, material.content) == ("submitted", "section")
    assert not material.file

    # The secretariat sends it back with a comment.
    admin.goto("/admin/")
    admin.locator(".submissions-summary").get_by_role("link").click()
    expect(admin.locator("h1")).to_have_text("提出の状況")
    admin.locator("#result_list tbody tr").filter(has_text=TITLE).get_by_role(
        "link", name="確認する"
    ).click()
    admin.wait_for_url(f"**/admin/meetings/material/{material.pk}/review/")
    with admin.expect_download() as download:
        admin.get_by_role("link", name="提出されたPDFを見る").click()
    assert _text(download.value.path()) == f"{FIRST} 1{FIRST} 2"
    admin.get_by_label("コメント（差し戻すときは必須）").fill(COMMENT)
    admin.get_by_role("button", name="差し戻す").click()
    expect(admin.locator("ul.messagelist li.success")).to_have_text(
        f"「{TITLE}」を差し戻しました。"
    )

    # 厚生部 reads the comment and submits its second PDF.
    dept.goto("/admin/")
    dept.locator(".submissions-summary").get_by_role("link").click()
    row = dept.locator("#result_list tbody tr").filter(has_text=TITLE)
    expect(row).to_contain_text("差し戻し")
    row.get_by_role("link", name="提出する").click()
    returned = dept.locator(".module.returned")
    expect(returned.get_by_role("heading")).to_have_text("事務局からの差し戻し")
    expect(returned).to_contain_text(COMMENT)
    dept.get_by_label("PDFファイル").set_input_files(
        _pdf_file(tmp_path, "shiryou4_r.pdf", SECOND, pages=3)
    )
    dept.get_by_role("button", name="提出する").click()
    expect(dept.locator("ul.messagelist li.success")).to_be_visible()
    screenshot(dept, "department-submissions")

    # Another department finds neither the submit nor the review page.
    other = new_page()
    other.goto("/admin/")
    log_in(other, username="keiei")
    for step in ("submit", "review"):
        response = other.goto(f"/admin/meetings/material/{material.pk}/{step}/")
        assert response.status == 404, step
        expect(other.locator("h1")).to_have_text("ページが見つかりません")
        expect(other.get_by_role("link", name="管理画面のトップに戻る")).to_be_visible()
    other.goto("/admin/meetings/material/submissions/")
    expect(other.locator("#content-main")).to_contain_text(
        "提出をお願いしている資料はありません。"
    )

    # The secretariat approves.
    admin.goto("/admin/meetings/material/submissions/")
    admin.locator("#result_list tbody tr").filter(has_text=TITLE).get_by_role(
        "link", name="確認する"
    ).click()
    admin.get_by_role("button", name="承認する").click()
    expect(admin.locator("ul.messagelist li.success")).to_have_text(
        f"「{TITLE}」を承認しました。"
    )
    material.refresh_from_db()
    assert material.submission == "approved"
    assert list(material.submissions.values_list("step", "by_name")) == [
        ("requested", "jimukyoku"),
        ("submitted", "kousei"),
        ("returned", "jimukyoku"),
        ("submitted", "kousei"),
        ("approved", "jimukyoku"),
    ]
    assert material.content == "pdf"
    assert material.submissions.last().file_name.startswith("shiryou4_r")

    # Distribute 第1版: the packet holds the second file, not the first.
    admin.goto("/admin/meetings/meeting/")
    run_admin_action(admin, meeting_name=SEED_NAME, action="差し替え（次の版を配付）")
    with admin.expect_navigation(timeout=120_000):
        admin.get_by_role("button", name="第1版を配付する").click(no_wait_after=True)
    admin.wait_for_url(f"**/admin/meetings/meeting/{seed.pk}/change/")
    expect(admin.locator("ul.messagelist li.success")).to_contain_text("第1版")
    with admin.expect_download() as download:
        admin.get_by_role("link", name="資料一式（PDF）").click()
    text = _text(download.value.path())
    assert f"{SECOND} 3" in text
    assert FIRST not in text
