"""The meeting editor in Chromium at 1280×800: it fits the screen; the 次第 is
reordered and indented by dragging (and with the arrow buttons) and prints as
numbered on the portal; every error is listed at the top with a link to its
field, and a PDF chosen before a failed save is kept."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from weasyprint import HTML

from meetings.models import AgendaItem, Material
from tests.browser.test_meetings import AGENDA, AGENDA_UNDER_3, agenda_lines, log_in

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 800}


def _open_editor(new_page, seed):
    page = new_page()
    page.set_viewport_size(VIEWPORT)
    page.goto(f"/admin/meetings/meeting/{seed.pk}/change/")
    log_in(page, username="jimukyoku")
    page.wait_for_url(f"**/admin/meetings/meeting/{seed.pk}/change/")
    return page


def _row(page, title: str):
    return page.locator("#agenda_items-group tbody tr.form-row").filter(
        has=page.locator(f'input[name$="-title"][value="{title}"]')
    )


def _numbers(page) -> list[str]:
    """The 次第 as the editor shows it: number and title of each row."""
    expect(page.locator("#agenda_items-group .live-number").first).not_to_be_empty()
    rows = page.locator("#agenda_items-group tbody tr.form-row:not(.empty-form)")
    return [
        f"{row.locator('.live-number').inner_text()} "
        f"{row.locator('input[name$=-title]').input_value()}"
        for row in rows.all()
    ]


def _drag(page, row, onto, *, dx: int, below: bool):
    """Press the row's handle, move onto `onto` (its lower or upper half) and
    `dx` pixels sideways, and let go, as a mouse does."""
    row.evaluate("r => r.scrollIntoView({block: 'center'})")
    handle = row.locator(".drag-handle").bounding_box()
    target = onto.bounding_box()
    start_x = handle["x"] + handle["width"] / 2
    page.mouse.move(start_x, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    y = target["y"] + target["height"] * (0.75 if below else 0.25)
    page.mouse.move(start_x + dx / 2, y, steps=5)
    page.mouse.move(start_x + dx, y, steps=5)
    page.mouse.up()


def test_the_editor_fits_the_screen_and_labels_materials_as_they_print(
    new_page, seed, secretariat_user, screenshot
):
    page = _open_editor(new_page, seed)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORT["width"], f"the page is {width} px wide"
    assert _numbers(page)[:4] == [
        "1 開会",
        "2 知事あいさつ",
        "3 議事",
        "(1) 令和3年度連携推進項目について",
    ]
    sub_1 = _row(page, "令和3年度連携推進項目について")
    box = sub_1.get_by_role(
        "checkbox", name="資料1　令和3年度連携推進項目の取り組み状況について"
    )
    expect(box).to_be_checked()
    expect(
        sub_1.get_by_role("checkbox", name="参考資料2", exact=False)
    ).not_to_be_checked()
    materials = page.locator(
        "#materials-group tr.form-row:not(.empty-form) .live-number"
    )
    assert materials.all_inner_texts() == [
        "資料1",
        "資料2",
        "資料3",
        "資料4",
        "参考資料1",
        "参考資料2",
    ]
    screenshot(page, "meeting-editor")


def test_drag_to_reorder_and_indent_then_the_portal_numbers_it(
    new_page, seed, secretariat_user, viewer_user
):
    page = _open_editor(new_page, seed)
    # 知事あいさつ, pulled right onto the lower half of (2), becomes (3) of 議事.
    _drag(
        page,
        _row(page, "知事あいさつ"),
        _row(page, "令和4年度における協議事項について"),
        dx=80,
        below=True,
    )
    assert _numbers(page)[:6] == [
        "1 開会",
        "2 議事",
        "(1) 令和3年度連携推進項目について",
        "(2) 令和4年度における協議事項について",
        "(3) 知事あいさつ",
        "(4) 新型コロナウイルス対策について",
    ]
    # その他, pulled left, leaves 議事 and comes before 閉会.
    _drag(page, _row(page, "その他"), _row(page, "その他"), dx=-80, below=True)
    assert _numbers(page)[-2:] == ["3 その他", "4 閉会"]
    # The arrow buttons do the same for the keyboard: 開会 one down.
    _row(page, "開会").get_by_role("button", name="下へ").click()
    expect(page.locator("#agenda_items-group .editor-live")).to_have_text(
        "「開会」は 2 になりました。"
    )
    page.get_by_role("button", name="保存して編集を続ける").first.click()
    expect(page.locator("ul.messagelist li.success")).to_be_visible()

    items = {i.title: i for i in AgendaItem.objects.filter(meeting=seed)}
    assert items["知事あいさつ"].parent_id == items["議事"].pk
    assert items["その他"].parent_id is None
    assert _numbers(page)[:2] == ["1 議事", "(1) 令和3年度連携推進項目について"]

    viewer = new_page()
    viewer.goto("/accounts/login/")
    log_in(viewer, username="toyama")
    viewer.goto(f"/meetings/{seed.pk}/")
    heads, subs = agenda_lines(viewer)
    assert heads == ["1 議事", "2 開会", "3 その他", "4 閉会"]
    assert heads != AGENDA
    # agenda_lines reads the sub-items of the third top item: read 議事's.
    subs = (
        viewer.locator("ol.agenda > li.agenda-item")
        .nth(0)
        .locator("ol.agenda-sub > li")
        .all_inner_texts()
    )
    assert subs == [
        AGENDA_UNDER_3[0],
        AGENDA_UNDER_3[1],
        "(3) 知事あいさつ",
        AGENDA_UNDER_3[2].replace("(3)", "(4)"),
        AGENDA_UNDER_3[3].replace("(4)", "(5)"),
    ]


def _pdf(text: str) -> bytes:
    out = io.BytesIO()
    HTML(string=f"<p>{text}</p>").write_pdf(out)
    return out.getvalue()


def test_errors_are_listed_at_the_top_and_a_chosen_pdf_is_kept(
    new_page, seed, secretariat_user, tmp_path, screenshot
):
    page = _open_editor(new_page, seed)
    group = page.locator("#materials-group")
    group.get_by_role("button", name="配付資料 の追加").click()
    row = group.locator("tbody tr.form-row:not(.empty-form)").last
    expect(row.locator(".live-number")).to_have_text("資料5")
    row.get_by_label("内容の種類").select_option(label="PDFファイル")
    pdf = tmp_path / "kouseibu.pdf"
    pdf.write_bytes(_pdf("新しい資料"))
    row.get_by_label("PDFファイル").set_input_files(str(pdf))
    # 表題 left empty: the save fails.
    page.get_by_role("button", name="保存して編集を続ける").first.click()

    summary = page.locator("nav.error-summary")
    expect(summary).to_be_visible()
    assert summary.bounding_box()["y"] < VIEWPORT["height"]
    link = summary.get_by_role("link", name="配付資料 7行目：表題")
    expect(link).to_be_visible()
    link.click()
    title = page.locator("#id_materials-6-title")
    expect(title).to_be_in_viewport()
    expect(page.locator("#materials-6 .pending-file")).to_have_text(
        "選んだファイル「kouseibu.pdf」は、保存すると登録されます。"
    )
    screenshot(page, "meeting-editor-errors")
    title.fill("厚生部からの追加資料")
    page.get_by_role("button", name="保存して編集を続ける").first.click()
    expect(page.locator("ul.messagelist li.success")).to_be_visible()
    material = Material.objects.get(meeting=seed, title="厚生部からの追加資料")
    assert material.file.name.endswith(".pdf")
    with material.file.open("rb") as stream:
        assert stream.read(5) == b"%PDF-"
