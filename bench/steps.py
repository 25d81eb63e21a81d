"""The steps of three secretariat tasks, done in Chromium and counted (by hand,
never in tests; issue 11's closing figures).

    DJANGO_SECRET_KEY=x .venv/bin/python bench/steps.py [--checkout DIR] [--flows now|before]

The tasks, on the seed meeting, as a secretariat member does them from the
admin's index (signed in):

1. prepare the next meeting from the last one: copy it as the next meeting,
   retitle what the copy still names after the old year, ask the departments
   for their materials by a deadline, and publish;
2. fix one number in a results table (有害鳥獣's 令和3年度 row ④: 5事業者 →
   6事業者), reached from the item's page;
3. add one agenda item (副知事あいさつ) between two others (2 知事あいさつ and
   3 議事).

A step is one thing a person does: a click (a link, a button, a checkbox), a
choice in a list, a field typed into, a file chosen, a drag. Page loads are
counted apart. Each task's result is checked afterwards (not counted), so a
flow that no longer does the task fails instead of reporting a count.

`--flows now` is today's admin. `--flows before` is the admin as it stood
before the secretariat's desk (commit 792df64: the 次第 a flat list with a
順番 per row, no 提出, publishing at once), for a checkout of that commit:

    git worktree add --detach /tmp/before 792df64
    DJANGO_SECRET_KEY=x .venv/bin/python bench/steps.py --checkout /tmp/before --flows before

(that checkout is run with this environment's packages, without its editable
install, so its own code is what serves.) Each run starts its own server on a
fresh SQLite database with the seed loaded.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

BASE_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
USER, PASSWORD = "secretariat", "Toyama-Desk-8841q"  # noqa: S105 - a throwaway DB's account
SEED_NAME = "令和3年度第4回「ワンチームとやま」連携推進本部会議"
NEXT_DATE = "令和4年5月20日"
DEADLINE = "令和4年5月6日"
ITEM = "有害鳥獣の市町村による連携捕獲の推進"
ROW_LABEL = "④ジビエ利活用の推進"
NEW_AGENDA = "副知事あいさつ"
SECRETARIAT = "ワンチームとやま推進室"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", type=Path, default=BASE_DIR)
    parser.add_argument("--flows", choices=["now", "before"], default="now")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def python_for(checkout: Path, workdir: Path) -> str:
    """This environment's interpreter; for another checkout, a virtual
    environment that sees this one's packages but not its editable install
    (whose import hook would serve this checkout's modules)."""
    if checkout.resolve() == BASE_DIR:
        return sys.executable
    venv = workdir / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True
    )
    site = next(p for p in sys.path if p.endswith("site-packages"))
    (next((venv / "lib").glob("python*")) / "site-packages" / "main.pth").write_text(
        site + "\n"
    )
    return str(venv / "bin" / "python")


def start_server(checkout: Path, workdir: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{workdir}/db.sqlite3",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_SECRET_KEY": "steps-bench-key-not-secret-0123456789abcdef",
    }
    python = python_for(checkout, workdir)
    log = open(workdir / "server.log", "w")  # noqa: SIM115 - lives with the server

    def manage(*args, stdin=None):
        subprocess.run(
            [python, "manage.py", *args],
            cwd=checkout,
            env=env,
            input=stdin,
            text=True,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
        )

    manage("migrate", "--noinput")
    manage("load_seed")
    manage(
        "add_user",
        USER,
        "--role",
        "secretariat",
        "--organization",
        SECRETARIAT,
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    proc = subprocess.Popen(
        [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=checkout,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=2)
            return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"the server did not start: see {workdir / 'server.log'}")


class Steps:
    """What a person does on the page, counted: every action goes through here."""

    def __init__(self, page):
        self.page = page
        self.actions: list[tuple[str, str]] = []
        self.loads = 0
        page.on(
            "framenavigated",
            lambda frame: frame == page.main_frame and self._loaded(),
        )

    def _loaded(self):
        self.loads += 1

    def _do(self, kind: str, what: str) -> None:
        self.actions.append((kind, what))

    def click(self, locator, what: str, **kwargs) -> None:
        locator.click(**kwargs)
        self._do("click", what)

    def check(self, locator, what: str) -> None:
        locator.check()
        self._do("click", what)

    def fill(self, locator, text: str, what: str) -> None:
        locator.fill(text)
        self._do("type", what)

    def select(self, locator, label: str, what: str) -> None:
        locator.select_option(label=label)
        self._do("choose", what)

    def drag(self, row, onto, *, dx: int, below: bool, what: str) -> None:
        """Press the row's handle, move onto `onto` and `dx` sideways, let go."""
        page = self.page
        # Both rows on screen, as a person scrolls before dragging.
        # (Clear of the window's top edge, where a drag scrolls the page.)
        onto.evaluate("r => window.scrollBy(0, r.getBoundingClientRect().top - 150)")
        handle = row.locator(".drag-handle").bounding_box()
        target = onto.bounding_box()
        x = handle["x"] + handle["width"] / 2
        page.mouse.move(x, handle["y"] + handle["height"] / 2)
        page.mouse.down()
        y = target["y"] + target["height"] * (0.75 if below else 0.25)
        page.mouse.move(x + dx / 2, y, steps=5)
        page.mouse.move(x + dx, y, steps=5)
        page.mouse.up()
        self._do("drag", what)

    def start(self):
        self.actions.clear()
        self.loads = 0
        self.frozen = None

    def done(self):
        """The task is done: what follows checks it and is not counted."""
        self.frozen = self.summary()

    def summary(self) -> dict:
        if getattr(self, "frozen", None):
            return self.frozen
        kinds = {}
        for kind, _what in self.actions:
            kinds[kind] = kinds.get(kind, 0) + 1
        return {"steps": len(self.actions), "loads": self.loads, **kinds}


def open_list(s: Steps, name: str) -> None:
    """From the admin's index, a model's list."""
    s.page.goto("/admin/")
    s.start()
    # The model's row of the index (its app's caption may bear the same name).
    link = s.page.locator("tr[class^='model-'] th a").filter(
        has_text=re.compile(f"^{re.escape(name)}$")
    )
    s.click(link.first, f"{name} の一覧")


def run_action(s: Steps, meeting: str, action: str, row_text: str | None = None):
    page = s.page
    row = page.locator("#result_list tbody tr").filter(
        has=page.get_by_role("link", name=meeting, exact=True), has_text=row_text
    )
    s.check(row.locator("input.action-select"), "会議を選ぶ")
    s.select(page.locator("select[name=action]"), action, "操作を選ぶ")
    with page.expect_navigation(timeout=120_000):
        s.click(page.get_by_role("button", name="実行"), "実行", no_wait_after=True)


def copy_meeting(s: Steps) -> None:
    page = s.page
    open_list(s, "会議")
    run_action(s, SEED_NAME, "選んだ会議をコピーして次回の会議を作成")
    s.fill(page.get_by_label("次回の開催日"), NEXT_DATE, "次回の開催日")
    with page.expect_navigation():
        s.click(page.get_by_role("button", name=re.compile("作成")), "作成する")
    planned = page.get_by_role("checkbox", name=re.compile("計画中の.*に反映する"))
    if planned.count():
        # The date is a planned meeting's (年間スケジュール): the form says so
        # and asks whether the copy fills it; it does.
        s.check(planned, "計画中の会議に反映する")
        with page.expect_navigation():
            s.click(page.get_by_role("button", name=re.compile("作成")), "作成する")
    expect(page.locator("ul.messagelist li.success").first).to_be_visible()


def old_year_fields(page) -> list[str]:
    """The ids of the text fields of the copy's page that still name the old
    year (令和3年度 or R3), as the copy's message asks to check."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
                'input[type=text][name$="title"], textarea[name$="title"]')]
            .filter(e => !e.closest('.empty-form') && /令和3年度|R3年度/.test(e.value))
            .map(e => e.id)"""
    )


def retitle(s: Steps) -> list[str]:
    page = s.page
    fields = old_year_fields(page)
    for field in fields:
        box = page.locator(f"#{field}")
        value = (
            box.input_value()
            .replace("令和3年度", "令和4年度")
            .replace("R3年度", "R4年度")
        )
        s.fill(box, value, f"表題を直す（{field}）")
    return fields


def save_and_continue(s: Steps) -> None:
    page = s.page
    with page.expect_navigation():
        s.click(
            page.get_by_role("button", name="保存して編集を続ける").first,
            "保存して編集を続ける",
        )
    expect(page.locator("ul.messagelist li.success").first).to_be_visible()


def next_meeting_name(page) -> str:
    return page.locator("#content h2").first.inner_text().strip()


def task_next_meeting_now(s: Steps) -> dict:
    page = s.page
    copy_meeting(s)
    name = next_meeting_name(page)
    fields = retitle(s)
    # Ask the departments: a 提出期限 on every material a department other
    # than the secretariat's office submits (資料4 厚生部, 参考資料1 and 2).
    rows = page.locator("#materials-group tbody tr.form-row:not(.empty-form)")
    asked = 0
    for row in rows.all():
        department = row.locator("select[name$='-department'] option:checked")
        if department.count() and department.inner_text() not in ("", SECRETARIAT):
            s.fill(row.get_by_label("提出期限"), DEADLINE, "提出期限")
            asked += 1
    save_and_continue(s)
    expect(page.locator("ul.messagelist")).to_contain_text("提出")
    s.click(page.locator(".breadcrumbs a[href$='/meeting/']"), "パンくずの「会議」")
    run_action(s, name, "選んだ会議を公開…", row_text="に反映")
    with page.expect_navigation(timeout=120_000):
        s.click(page.get_by_role("button", name=re.compile("公開する")), "公開する")
    expect(page.locator("ul.messagelist li.success").first).to_be_visible()
    return {"meeting": name, "retitled": len(fields), "asked": asked}


def task_next_meeting_before(s: Steps) -> dict:
    page = s.page
    copy_meeting(s)
    name = next_meeting_name(page)
    fields = retitle(s)
    if fields:
        save_and_continue(s)
    s.click(page.locator(".breadcrumbs a[href$='/meeting/']"), "パンくずの「会議」")
    run_action(s, name, "選んだ会議を公開", row_text="に反映")
    expect(page.locator("ul.messagelist li.success").first).to_be_visible()
    return {
        "meeting": name,
        "retitled": len(fields),
        "asked": "not in the admin (by e-mail)",
    }


def task_fix_number(s: Steps) -> dict:
    page = s.page
    open_list(s, "連携推進項目")
    s.click(page.get_by_role("link", name=ITEM, exact=True), ITEM)
    s.click(
        page.locator("#years-group tr, #years-group .inline-related")
        .filter(has=page.locator("input[value='令和3年度'], input[value='2021']"))
        .get_by_role("link", name=re.compile("変更"))
        .first,
        "令和3年度の「変更」",
    )
    table = page.locator("#result_tables-group .inline-related").first
    s.click(
        table.get_by_role("link", name=re.compile("変更")).first,
        "取り組み結果の表の「変更」",
    )
    row = page.locator(".inline-related, tr.form-row").filter(
        has=page.locator(f"input[value='{ROW_LABEL}']")
    )
    box = row.locator("textarea[name$='-results']").first
    s.fill(box, box.input_value().replace("5事業者", "6事業者"), "成果の欄を直す")
    with page.expect_navigation():
        s.click(page.get_by_role("button", name="保存", exact=True).first, "保存")
    expect(page.locator("ul.messagelist li.success").first).to_be_visible()
    s.done()
    returned_to = page.locator("h1").first.inner_text()
    page.goto("/items/")
    page.get_by_role("link", name=ITEM).first.click()
    expect(page.locator("main")).to_contain_text("6事業者が出荷を再開")
    return {"returned_to": returned_to}


def agenda_top_rows(page):
    return page.locator("#agenda_items-group tbody tr.form-row:not(.empty-form)")


def task_agenda_now(s: Steps) -> dict:
    page = s.page
    open_list(s, "会議")
    s.click(page.get_by_role("link", name=SEED_NAME, exact=True).first, SEED_NAME)
    group = page.locator("#agenda_items-group")
    s.click(group.get_by_role("button", name=re.compile("の追加")), "次第 の追加")
    new = agenda_top_rows(page).last
    s.fill(new.locator("input[name$='-title']"), NEW_AGENDA, "項目")

    def row(title):
        return agenda_top_rows(page).filter(
            has=page.locator(f"input[name$='-title'][value='{title}']")
        )

    # The new row sits last, under nothing: drag it below 知事あいさつ.
    s.drag(new, row("知事あいさつ"), dx=0, below=True, what="ドラッグで位置を決める")
    save_and_continue(s)
    return {}


def task_agenda_before(s: Steps) -> dict:
    page = s.page
    open_list(s, "会議")
    s.click(page.get_by_role("link", name=SEED_NAME, exact=True).first, SEED_NAME)
    group = page.locator("#agenda_items-group")
    # Top-level items after 知事あいさつ move one down: each 順番 retyped.
    rows = group.locator("tr.form-row.has_original")
    expect(rows.first).to_be_visible()
    top = []
    for row in rows.all():
        parent = row.locator("[name$='-parent']")
        if parent.count() and not parent.input_value():
            top.append((int(row.locator("input[name$='-order']").input_value()), row))
    after = next(
        o
        for o, r in top
        if r.locator("input[name$='-title']").input_value() == "知事あいさつ"
    )
    for order, row in top:
        if order > after:
            s.fill(
                row.locator("input[name$='-order']"), str(order + 1), "後の項目の順番"
            )
    s.click(group.get_by_role("button", name=re.compile("の追加")), "次第 の追加")
    new = group.locator("tr.form-row:not(.empty-form):not(.has_original)").last
    s.fill(new.locator("input[name$='-title']"), NEW_AGENDA, "項目")
    s.fill(new.locator("input[name$='-order']"), str(after + 1), "順番")
    save_and_continue(s)
    return {}


def check_portal(page, meeting_pk: int) -> list[str]:
    page.goto(f"/meetings/{meeting_pk}/")
    top = page.locator("ol.agenda > li.agenda-item")
    return [
        f"{i.locator('> .num').inner_text()} {i.locator('> .title').inner_text()}"
        for i in top.all()
    ]


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="steps-"))
    port = args.port or free_port()
    server = start_server(args.checkout.resolve(), workdir, port)
    results = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            context = browser.new_context(
                base_url=f"http://127.0.0.1:{port}",
                viewport={"width": 1280, "height": 800},
                locale="ja-JP",
            )
            page = context.new_page()
            page.goto("/admin/login/")
            page.get_by_label("ユーザー名").fill(USER)
            page.get_by_label("パスワード").fill(PASSWORD)
            page.get_by_role("button", name="ログイン").click()
            page.wait_for_url("**/admin/")
            s = Steps(page)
            flows = {
                "now": [
                    ("次回の会議を準備する", task_next_meeting_now),
                    ("取り組み結果の数字を1つ直す", task_fix_number),
                    ("次第の間に1項目を加える", task_agenda_now),
                ],
                "before": [
                    ("次回の会議を準備する", task_next_meeting_before),
                    ("取り組み結果の数字を1つ直す", task_fix_number),
                    ("次第の間に1項目を加える", task_agenda_before),
                ],
            }[args.flows]
            for label, task in flows:
                s.frozen = None
                try:
                    detail = task(s)
                except Exception:
                    page.screenshot(path=str(workdir / "failed.png"), full_page=True)
                    print(f"{label} failed at {page.url}: see {workdir / 'failed.png'}")
                    raise
                results[label] = {**s.summary(), **detail}
                results[label]["actions"] = [w for _k, w in s.actions]
            agenda_pk = int(re.search(r"/meeting/(\d+)/", page.url).group(1))
            agenda = check_portal(page, agenda_pk)
            assert agenda[:3] == ["1 開会", "2 知事あいさつ", f"3 {NEW_AGENDA}"], agenda
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"flows: {args.flows}  checkout: {args.checkout}")
    print(
        f"{'task':<24} {'steps':>5} {'clicks':>6} {'typed':>5} {'chosen':>6} {'drags':>5} {'loads':>5}"
    )
    for label, r in results.items():
        print(
            f"{label:<24} {r['steps']:>5} {r.get('click', 0):>6} {r.get('type', 0):>5} "
            f"{r.get('choose', 0):>6} {r.get('drag', 0):>5} {r['loads']:>5}"
        )
        extra = {
            k: v
            for k, v in r.items()
            if k not in {"steps", "loads", "click", "type", "choose", "drag", "actions"}
        }
        if extra:
            print("    ", extra)
        print("     " + " → ".join(r["actions"]))


if __name__ == "__main__":
    main()
