"""End to end, in Chromium: a mayor's office reads the seed meeting; the
secretariat copies it as the next meeting and publishes it; who may go where."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from meetings.models import Meeting
from tests import factories

pytestmark = pytest.mark.browser

PASSWORD = "pw-for-tests-1"  # what factories.make_user gives every account
SEED_NAME = "令和3年度第4回「ワンチームとやま」連携推進本部会議"
AGENDA = ["1 開会", "2 知事あいさつ", "3 議事", "4 閉会"]
AGENDA_UNDER_3 = [
    "(1) 令和3年度連携推進項目について （資料1）",
    "(2) 令和4年度における協議事項について （資料2、資料3）",
    "(3) 新型コロナウイルス対策について（報告） （資料4）",
    "(4) 県、市町村の行政課題等について （参考資料1、参考資料2）",
    "(5) その他",
]
MATERIALS = [
    "資料1\t令和3年度連携推進項目の取り組み状況について\tワンチームとやま推進室\tPDF",
    "資料2\t令和4年度「ワンチームとやま」連携推進本部会議における協議事項について"
    "\tワンチームとやま推進室\tPDF",
    "資料3\t令和4年度本部会議年間スケジュール\tワンチームとやま推進室\tPDF",
    "資料4\t新型コロナワクチンの追加接種の前倒しについて\t厚生部\tPDF",
    "参考資料1\t認定NPO法人ふるさと回帰支援センターへの会員登録について\t地方創生局\tPDF",
    "参考資料2\t若手職員地域課題解決フィールドワーク研修について\t経営管理部\tPDF",
]


def log_in(page, *, username: str, password: str = PASSWORD) -> None:
    """Fill and send the login form the page shows (portal's or admin's)."""
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def agenda_lines(page) -> tuple[list[str], list[str]]:
    """The top items of the 次第, and the sub-items under 3 議事, as shown."""
    top = page.locator("ol.agenda > li.agenda-item")
    heads = [
        f"{item.locator('> .num').inner_text()} {item.locator('> .title').inner_text()}"
        for item in top.all()
    ]
    subs = [li.inner_text() for li in top.nth(2).locator("ol.agenda-sub > li").all()]
    return heads, subs


def run_admin_action(
    page, *, meeting_name: str, action: str, row_text: str | None = None
) -> None:
    """In the 会議 changelist, tick one meeting (the row also showing `row_text`,
    if given) and run an action on it (the caller waits for what the action
    shows: the URL stays the same)."""
    row = page.locator("#result_list tbody tr").filter(
        has=page.get_by_role("link", name=meeting_name, exact=True),
        has_text=row_text,
    )
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label=action)
    # Publishing builds 第1版 inside the test server's request: give it time
    # (the click itself does not wait; the navigation has its own limit).
    with page.expect_navigation(timeout=120_000):
        page.get_by_role("button", name="実行").click(no_wait_after=True)


def test_viewer_logs_in_and_reads_the_seed_meeting(
    new_page, live_server, seed, viewer_user, screenshot
):
    page = new_page()
    page.goto("/")
    assert re.fullmatch(r".*/accounts/login/\?next=/", page.url)

    log_in(page, username="toyama")

    assert page.url == f"{live_server.url}/"
    assert page.get_by_test_id("user-org").inner_text() == "富山市"
    page.get_by_role("navigation").get_by_role("link", name="会議").click()
    page.wait_for_url("**/meetings/")
    # The list opens on the latest year with meetings; 令和3年度 by the switcher.
    page.get_by_label("年度", exact=True).select_option("2021")
    page.get_by_role("button", name="表示").click()
    page.wait_for_url("**/meetings/?fy=2021")
    page.locator("#fy2021").get_by_role("link", name="第4回本部会議").click()
    page.wait_for_url(f"**/meetings/{seed.pk}/")

    assert page.locator("h1").inner_text() == SEED_NAME
    assert page.title() == f"{SEED_NAME} | onechamber"
    assert (
        page.get_by_test_id("meeting-when").inner_text()
        == "令和4年1月20日（木）　午後3時～4時30分"
    )
    assert agenda_lines(page) == (AGENDA, AGENDA_UNDER_3)
    assert page.locator("table.materials tbody tr").all_inner_texts() == MATERIALS
    groups = page.locator("section.attendee-group")
    assert groups.locator("h3").all_inner_texts() == [
        "1. 市町村等（17名）",
        "2. 県（17名）",
    ]
    municipal, prefecture = (
        groups.nth(i).locator("tbody tr").all_inner_texts() for i in (0, 1)
    )
    assert (len(municipal), len(prefecture)) == (17, 17)
    assert (municipal[0], municipal[-1]) == (
        "富山市長\t藤井 裕久",
        "町村会常務理事\t竹野 博和",
    )
    assert (prefecture[0], prefecture[-1]) == (
        "知事\t新田 八朗",
        "参事・市町村支援課長\t小杉 健",
    )
    chart = page.get_by_role("img", name="配席図")
    assert chart.locator("g.seat").count() == 34
    assert chart.is_visible()
    screenshot(page, "seed-meeting")


def test_secretariat_copies_and_publishes_the_next_meeting_then_a_viewer_sees_it(
    new_page, seed, secretariat_user, viewer_user, screenshot
):
    admin = new_page()
    admin.goto("/admin/meetings/meeting/")
    log_in(admin, username="jimukyoku")
    assert admin.url.endswith("/admin/meetings/meeting/")

    run_admin_action(
        admin, meeting_name=SEED_NAME, action="選んだ会議をコピーして次回の会議を作成"
    )
    expect(admin.locator("h1")).to_have_text("次回の会議を作成")
    admin.get_by_label("次回の開催日").fill("令和4年5月19日")
    admin.get_by_role("button", name="作成する").click()
    # The schedule plans 令和4年度第1回 for 5月中旬: the form asks before filling it.
    expect(admin.locator("ul.errorlist.nonfield")).to_contain_text(
        "この会議は年間スケジュールの計画中の第1回（令和4年5月中旬）に当たります。"
    )
    expect(admin.get_by_test_id("planned")).to_contain_text(
        "開催日：令和4年5月中旬 → 令和4年5月19日（木）"
    )
    admin.get_by_label("計画中の第1回（令和4年5月中旬）に反映する").check()
    screenshot(admin, "admin-copy-form")
    admin.get_by_role("button", name="作成する").click()
    admin.wait_for_url("**/admin/meetings/meeting/*/change/")

    new = Meeting.objects.get(date=dt.date(2022, 5, 19))
    assert (new.fiscal_year, new.number, new.published) == (2022, 1, False)
    assert new.fills.when_label == "令和4年5月中旬"
    assert admin.url.endswith(f"/admin/meetings/meeting/{new.pk}/change/")
    assert (
        admin.locator("ul.messagelist li.success")
        .inner_text()
        .startswith(
            "「令和4年度第1回「ワンチームとやま」連携推進本部会議」を作成しました"
            "（未公開）。内容を確認して公開してください。"
        )
    )
    assert not admin.get_by_label("公開", exact=True).is_checked()

    viewer = new_page()
    viewer.goto("/accounts/login/")
    log_in(viewer, username="toyama")
    response = viewer.goto(f"/meetings/{new.pk}/")
    assert response.status == 404
    # Until the copy is published, viewers see the meeting as planned.
    viewer.goto("/meetings/")
    expect(viewer.locator("#fy2022")).to_contain_text("令和4年5月中旬")

    admin.goto("/admin/meetings/meeting/")
    run_admin_action(
        admin,
        meeting_name=new.name,
        action="選んだ会議を公開…",
        row_text="令和4年5月19日（木）（計画中の第1回（令和4年5月中旬）に反映）",
    )
    # It asks first, with what viewers will see.
    expect(admin.locator("#content-main")).to_contain_text(
        "全市町村の閲覧アカウントのポータルに表示されます"
    )
    with admin.expect_navigation(timeout=120_000):
        admin.get_by_role("button", name="公開する").click(no_wait_after=True)
    expect(admin.locator("ul.messagelist li.success")).to_have_text(
        "1件の会議を公開し、第1版の作成を始めました。"
    )
    new.refresh_from_db()
    assert new.published is True

    viewer.goto("/meetings/")
    viewer.locator("#fy2022").get_by_role("link", name="第1回本部会議").click()
    viewer.wait_for_url(f"**/meetings/{new.pk}/")
    assert (
        viewer.locator("h1").inner_text()
        == "令和4年度第1回「ワンチームとやま」連携推進本部会議"
    )
    assert (
        viewer.get_by_test_id("meeting-when").inner_text()
        == "令和4年5月19日（木）　午後3時～4時30分"
    )
    # 議事 now holds the topics the annual schedule planned for this meeting.
    assert agenda_lines(viewer) == (
        AGENDA,
        [
            "(1) 令和4年度連携推進項目の取り組み内容等の報告",
            "(2) 令和4年度連携推進項目のスケジュール",
        ],
    )


def test_viewer_is_sent_to_the_admin_login(new_page, viewer_user):
    page = new_page()
    page.goto("/accounts/login/")
    log_in(page, username="toyama")

    page.goto("/admin/")

    assert re.fullmatch(r".*/admin/login/\?next=/admin/", page.url)
    assert page.locator("p.errornote").inner_text() == (
        "あなたは toyama として認証されましたが、このページへのアクセス許可が"
        "ありません。他のアカウントでログインしますか?"
    )


def test_anonymous_user_is_sent_to_the_login_page_from_every_portal_page(
    new_page, db, screenshot
):
    meeting = factories.make_meeting()
    factories.make_material(meeting=meeting)
    factories.make_municipality()
    paths = [
        "/",
        "/meetings/",
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}/materials/1/",
        "/municipalities/",
        "/municipalities/162019/",
    ]
    page = new_page()
    for path in paths:
        page.goto(path)
        assert page.url.endswith(f"/accounts/login/?next={path}"), path
        assert page.locator("h1").inner_text() == "ログイン", path
    screenshot(page, "login")


def test_secretariat_sees_what_changed_issues_a_replacement_and_a_viewer_gets_it(
    new_page, seed, secretariat_user, viewer_user, screenshot
):
    from meetings.models import Edition
    from workitems.models import ResultRow

    admin = new_page()
    admin.goto("/admin/meetings/meeting/")
    log_in(admin, username="jimukyoku")
    # The seed meeting is published but not distributed: 第1版 first.
    run_admin_action(admin, meeting_name=SEED_NAME, action="差し替え（次の版を配付）")
    # The test server builds the edition inside the request (the immediate
    # task backend): a cold packet, which a loaded machine takes a while for.
    with admin.expect_navigation(timeout=120_000):
        admin.get_by_role("button", name="第1版を配付する").click(no_wait_after=True)
    admin.wait_for_url(f"**/admin/meetings/meeting/{seed.pk}/change/")
    expect(admin.locator("ul.messagelist li.success")).to_contain_text("第1版")
    first = Edition.objects.get(meeting=seed, number=1)
    assert first.state == "ready" and first.page_count == 33

    # A result row of 資料1 is corrected after distribution.
    row = ResultRow.objects.filter(results__contains="年2回").order_by("pk").first()
    admin.goto(f"/admin/workitems/resultrow/{row.pk}/change/")
    field = admin.get_by_label("今年度の取り組み成果")
    field.fill(field.input_value().replace("年2回", "年3回"))
    admin.get_by_role("button", name="保存", exact=True).click()
    expect(admin.locator("ul.messagelist li.success")).to_be_visible()

    admin.goto(f"/admin/meetings/meeting/{seed.pk}/change/")
    panel = admin.locator(".edition-panel")
    expect(panel).to_contain_text("配付後に変更があります")
    expect(panel.locator(".diff-del")).to_contain_text("年2回")
    expect(panel.locator(".diff-add")).to_contain_text("年3回")
    screenshot(admin, "admin-edition-changes")

    admin.goto("/admin/meetings/meeting/")
    run_admin_action(admin, meeting_name=SEED_NAME, action="差し替え（次の版を配付）")
    expect(admin.get_by_test_id("changes")).to_contain_text("資料1")
    admin.get_by_label("差し替えの内容").fill("資料1 被害防止対策会議の回数を訂正")
    with admin.expect_navigation(timeout=120_000):
        admin.get_by_role("button", name="差し替えを配付する").click(no_wait_after=True)
    admin.wait_for_url(f"**/admin/meetings/meeting/{seed.pk}/change/")
    second = Edition.objects.get(meeting=seed, number=2)
    assert second.state == "ready"

    viewer = new_page()
    viewer.goto("/accounts/login/")
    log_in(viewer, username="toyama")
    expect(viewer.get_by_test_id("news")).to_contain_text("第2版（")
    viewer.goto(f"/meetings/{seed.pk}/")
    summary = viewer.get_by_test_id("edition-summary")
    expect(summary).to_have_text(
        re.compile(r"^第2版（令和\d+年\d+月\d+日 差し替え：資料1）$")
    )
    expect(viewer.locator("#editions")).to_contain_text("第1版（")
    screenshot(viewer, "viewer-second-edition")
    with viewer.expect_download() as download:
        viewer.get_by_test_id("packet-pdf").click()
    reader = PdfReader(download.value.path())
    assert len(reader.pages) == second.page_count == 34
    first_page = reader.pages[0].extract_text()
    assert first_page.startswith("差し替え一覧")
    assert "資料1 被害防止対策会議の回数を訂正" in first_page.replace("\n", "")
    assert download.value.suggested_filename.endswith("_資料一式_第2版.pdf")
