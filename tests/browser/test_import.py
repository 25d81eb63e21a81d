"""End to end, in Chromium: the secretariat copies the seed meeting as the
next one, imports its attendees from a CSV saved by Japanese Excel (CP932),
checks the preview, confirms, and sees them on the meeting's portal page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from meetings import services
from tests.browser.test_meetings import log_in

pytestmark = pytest.mark.browser

HEADERS = "会議ID,区分,順番,職名,氏名,出席の形,席の位置,席順"
PEOPLE = [
    ("市町村等", 1, "富山市長", "藤井 裕久", "出席", "左側", 1),
    ("市町村等", 2, "高岡市長", "角田 悠紀", "WEB出席", "右側", 1),
    ("県", 1, "知事", "新田 八朗", "出席", "正面（上座）", 1),
]


def test_a_cp932_attendee_csv_for_a_copied_meeting_shows_on_its_page(
    new_page, seed, secretariat_user, tmp_path, screenshot
):
    # 第5回 (not the planned 第1回 of 令和4年度, which a copy would have to fill).
    copy = services.copy_meeting(
        meeting=seed, new_date=dt.date(2022, 5, 20), number=5
    ).meeting
    copy.attendances.all().delete()
    lines = [HEADERS] + [
        ",".join([str(copy.pk), *(str(v) for v in person)]) for person in PEOPLE
    ]
    path = tmp_path / "出席者名簿.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))

    page = new_page()
    page.goto("/admin/meetings/attendance/import/")
    log_in(page, username="jimukyoku")
    page.goto("/admin/meetings/attendance/import/")
    page.locator("input[type=file][name=import_file]").set_input_files(path)
    page.locator("select[name=format]").select_option(label="csv")
    page.locator("#content form input[type=submit]").click()
    # The preview lists the three rows as new, and nothing is saved yet.
    preview = page.locator("table.import-preview")
    expect(preview).to_contain_text("藤井 裕久")
    expect(preview).to_contain_text("角田 悠紀")
    assert copy.attendances.count() == 0
    screenshot(page, "import-preview")
    page.locator("form[action$='process_import/'] input[type=submit]").click()
    expect(page.locator(".messagelist")).to_contain_text("追加 3件")
    assert copy.attendances.count() == 3

    page.goto(copy.get_absolute_url())
    attendees = page.locator("#attendees")
    for person in PEOPLE:
        expect(attendees).to_contain_text(person[3])
    screenshot(page, "imported-attendees")
