"""Load and faults: gunicorn under 45 viewers and 5 editors (by hand, never in tests).

    DJANGO_SECRET_KEY=x .venv/bin/python bench/load.py [--seconds 60] [--faults]
        [--database-url postgres://postgres@127.0.0.1:5432/onechamber_load]

In a database of its own (SQLite under bench/out/ by default; a PostgreSQL
database that does not exist yet is created and dropped at the end), with the
seed loaded, 第1版 of the seed meeting distributed and built by
`manage.py run_worker --batch`, it starts gunicorn (sync workers, -w 3 by
default, debug off, the production-like environment of bench/editions.py) and
runs, for --seconds:

- 45 viewers, 3 per municipality (accounts made by the add_user command,
  --role viewer --organization CODE), each looping over: home, meeting list,
  the seed meeting, a material page, the distributed edition's packet.pdf,
  the schedule, its municipality's page, the WG table, and the login page
  (a GET without cookies, as a visitor not signed in: the cheapest page, for
  comparison);
- 5 secretariat editors, each looping over: the admin meeting changelist, the
  seed meeting's change page, and a real save of a ResultRow of its own (the
  admin change form read, every field round-tripped, CSRF included, and a
  unique marker appended to next_steps, POSTed; a 302 away from the form is
  an acknowledged save).

Every virtual user thinks 1-5 s (uniform) between page views. Each request
opens a connection of its own (http.client): gunicorn's sync workers close
the connection after every answer, so keep-alive would not be used anyway.

Why threads and not locust: the 50 virtual users spend nearly all their time
asleep (think time), so 50 OS threads cost little; locust would need gevent's
monkey-patching and a runner process on the same 2 cores as the server, and is
not installed. The client's own CPU is reported so its share can be judged.

It prints requests per second, p50/p95/p99 latency and the errors (non-2xx/3xx
answers, a redirect to the login page, exceptions and timeouts) by page.

--faults: at 30 % of the run one gunicorn worker is SIGKILLed (the master
starts another), and at 50 %, when the database is PostgreSQL, PostgreSQL is
restarted once (pg_ctlcluster 15 main restart). The errors are then also given
by page and 5-second window, and the editors' saves are checked: every marker
of an acknowledged save must be in the database afterwards ("lost" = a 302
was received but the marker is absent). Whatever happens, PostgreSQL is
started again at the end and waited for (pg_isready -h 127.0.0.1).

gunicorn's log (with any traceback) is kept under bench/out/load-logs/.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import html.parser
import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))


from bench_common import editions_bench  # noqa: E402 - after sys.path

ed = editions_bench()
OUT = ed.OUT
# The same helpers, on files of this bench's own.
ed.DB = OUT / "load.sqlite3"
ed.EDITIONS_ROOT = OUT / "load-editions-storage"
ed.ASIDE = OUT / "load-editions-aside"
ed.STATIC_ROOT = OUT / "load-static"
ed.MEDIA_ROOT = OUT / "load-media"
ed.LOGS = OUT / "load-logs"
LOGS = ed.LOGS
BIN = ed.BIN

PASSWORD = "bench-load-password-5c1e"  # noqa: S105 - a throwaway DB's accounts
VIEWERS_PER_MUNICIPALITY = 3
EDITORS = 5
TIMEOUT = 30.0  # gunicorn's default worker timeout too
WINDOW = 5.0

VIEWER_PAGES = [
    "home",
    "meeting list",
    "meeting",
    "material",
    "packet.pdf",
    "schedule",
    "municipality",
    "WG table",
    "login (anon GET)",
]
EDITOR_PAGES = [
    "admin changelist",
    "admin meeting change",
    "admin row form (GET)",
    "admin row save (POST)",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--think", default="1,5", help="think time range, s")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        help="the bench's own database (default: SQLite under bench/out/); a "
        "PostgreSQL database that does not exist is created, and dropped after",
    )
    return parser.parse_args()


# --- PostgreSQL ------------------------------------------------------------------


def pg_parts(url: str) -> tuple[str, str] | None:
    """(server URL without the database, database name) of a PostgreSQL URL."""
    parsed = urllib.parse.urlsplit(url)
    if not parsed.scheme.startswith("postgres"):
        return None
    return parsed._replace(path="/postgres").geturl(), parsed.path.lstrip("/")


def psql(server: str, sql: str) -> str:
    return subprocess.run(
        ["psql", server, "-Atc", sql], capture_output=True, text=True, check=True
    ).stdout.strip()


def pg_ready(timeout: float = 60) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0:
            return True
        time.sleep(0.25)
    return False


def ensure_pg_running() -> None:
    """PostgreSQL running again (other engineers' tests need it)."""
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0:
        return
    print("PostgreSQL not ready: starting it", flush=True)
    for cmd in (
        ["pg_ctlcluster", "15", "main", "start"],
        ["service", "postgresql", "start"],
    ):
        subprocess.run(cmd, capture_output=True)
        if pg_ready(30):
            print("PostgreSQL is ready again", flush=True)
            return
    print("!! PostgreSQL did not come back: start it by hand", file=sys.stderr)


def restart_pg() -> tuple[float, float, str]:
    t0 = time.time()
    result = subprocess.run(
        ["pg_ctlcluster", "15", "main", "restart"], capture_output=True, text=True
    )
    note = f"pg_ctlcluster restart rc={result.returncode}"
    if result.returncode != 0:
        note += f" ({(result.stderr or result.stdout).strip()[:200]})"
    ready = pg_ready(60)
    return t0, time.time(), note + ("" if ready else "; NOT READY after 60 s")


# --- Setup ---------------------------------------------------------------------


def make_accounts():
    """45 viewers (3 per municipality) and 5 secretariat editors, by add_user."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from meetings.models import Organization

    devnull = open(os.devnull, "w")  # noqa: SIM115
    viewers = []
    for org in Organization.objects.municipalities().order_by("code"):
        for i in range(VIEWERS_PER_MUNICIPALITY):
            name = f"viewer-{org.code}-{i + 1}"
            call_command(
                "add_user", name, role="viewer", organization=org.code, stdout=devnull
            )
            viewers.append((name, org.code))
    editors = []
    for i in range(EDITORS):
        name = f"editor-{i + 1}"
        call_command("add_user", name, role="secretariat", stdout=devnull)
        editors.append(name)
    # One hash for all (hashing 50 times would only slow the setup).
    get_user_model().objects.filter(
        username__in=[n for n, _ in viewers] + editors
    ).update(password=make_password(PASSWORD))
    return viewers, editors


def distribute_first_edition(meeting, editor_name: str):
    from django.contrib.auth import get_user_model

    from meetings import editions
    from meetings.models import Edition

    by = get_user_model().objects.get(username=editor_name)
    edition = editions.distribute(meeting=meeting, by=by, note="")
    t0 = time.time()
    worker = ed.start(
        [ed.PYTHON, str(BASE_DIR / "manage.py"), "run_worker", "--batch"],
        LOGS / "worker.log",
    )
    try:
        worker.wait(600)
    finally:
        ed.stop(worker)
    edition.refresh_from_db()
    if edition.state != Edition.State.READY:
        raise SystemExit(f"第1版 ended {edition.state}: {edition.error}")
    print(
        f"第1版 built in {time.time() - t0:.1f} s: {edition.page_count} pages, "
        f"{edition.size / 1024:.0f} KiB",
        flush=True,
    )
    return edition


# --- HTTP ----------------------------------------------------------------------


class Result:
    __slots__ = ("t", "page", "latency", "outcome", "ok")

    def __init__(self, t, page, latency, outcome, ok):
        self.t, self.page, self.latency, self.outcome, self.ok = (
            t,
            page,
            latency,
            outcome,
            ok,
        )


class Recorder:
    def __init__(self, t0: float, deadline: float):
        self.t0 = t0
        self.deadline = deadline
        self.results: list[Result] = []
        self.lock = threading.Lock()

    def add(self, result: Result):
        with self.lock:
            self.results.append(result)


class Session:
    """A browser of one account: its cookies; a connection per request."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method, path, *, body=None, headers=None, anonymous=False):
        headers = dict(headers or {})
        if self.cookies and not anonymous:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        if not anonymous:
            for header in response.msg.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                for key, morsel in jar.items():
                    self.cookies[key] = morsel.value
        return response, data

    def login(self, username: str) -> None:
        response, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        body = urllib.parse.urlencode(
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1).decode(),
                "next": "/",
            }
        )
        response, _ = self.request("POST", "/accounts/login/", body=body)
        if response.status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login of {username} failed: {response.status}")


def timed(recorder: Recorder, session: Session, page: str, method, path, **kw):
    """One request, recorded; returns (response, data) or None on an exception."""
    started = time.time()
    try:
        response, data = session.request(method, path, **kw)
    except (OSError, http.client.HTTPException) as exc:
        outcome = (
            "timeout"
            if isinstance(exc, TimeoutError | socket.timeout)
            else (type(exc).__name__)
        )
        recorder.add(
            Result(started - recorder.t0, page, time.time() - started, outcome, False)
        )
        return None
    latency = time.time() - started
    ok = 200 <= response.status < 400
    outcome = str(response.status)
    location = response.getheader("Location") or ""
    if response.status in (301, 302) and "/accounts/login/" in location:
        ok, outcome = False, f"{response.status}->login"
    recorder.add(Result(started - recorder.t0, page, latency, outcome, ok))
    return response, data


class FormFields(html.parser.HTMLParser):
    """The fields of the form with id `form_id`, as a browser would submit them
    (without any submit button)."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select = None
        self._select_multiple = False
        self._selected: list[str] = []
        self._first_option = None
        self._textarea = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append(
                (a["name"], a.get("value") or ("on" if kind == "checkbox" else ""))
            )
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._select_multiple = "multiple" in a
            self._selected, self._first_option = [], None
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._selected.append(value)
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            chosen = self._selected or (
                []
                if self._select_multiple or self._first_option is None
                else [self._first_option]
            )
            self.fields.extend((self._select, v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # A newline right after <textarea> is not part of the value (HTML).
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self.fields.append((self._textarea, text))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


# --- Virtual users ---------------------------------------------------------------


def think(rng: random.Random, low: float, high: float, recorder: Recorder) -> bool:
    """Sleep a think time; False when the run is over."""
    pause = rng.uniform(low, high)
    if time.time() + pause >= recorder.deadline:
        time.sleep(max(0.0, recorder.deadline - time.time()))
        return False
    time.sleep(pause)
    return True


def viewer_loop(session, recorder, rng, urls, code, think_range):
    paths = {
        "home": "/",
        "meeting list": "/meetings/",
        "meeting": urls["meeting"],
        "material": urls["material"],
        "packet.pdf": urls["packet"],
        "schedule": "/schedule/",
        "municipality": f"/municipalities/{code}/",
        "WG table": "/items/wg-status/",
        "login (anon GET)": "/accounts/login/",
    }
    order = list(VIEWER_PAGES)
    rng.shuffle(order)
    i = 0
    while think(rng, *think_range, recorder):
        page = order[i % len(order)]
        i += 1
        timed(
            recorder,
            session,
            page,
            "GET",
            paths[page],
            anonymous=page.startswith("login"),
        )


def editor_loop(session, recorder, rng, urls, row_pk, think_range, saves, tag):
    change = f"/admin/workitems/resultrow/{row_pk}/change/"
    n = 0
    step = rng.randrange(3)
    while think(rng, *think_range, recorder):
        kind = step % 3
        step += 1
        if kind == 0:
            timed(
                recorder, session, "admin changelist", "GET", "/admin/meetings/meeting/"
            )
        elif kind == 1:
            timed(
                recorder, session, "admin meeting change", "GET", urls["admin meeting"]
            )
        else:
            got = timed(recorder, session, "admin row form (GET)", "GET", change)
            if got is None or got[0].status != 200:
                continue
            parser = FormFields("resultrow_form")
            parser.feed(got[1].decode())
            fields = parser.fields
            if not any(k == "csrfmiddlewaretoken" for k, _ in fields):
                continue
            # The user edits the form a while before saving.
            if not think(rng, *think_range, recorder):
                break
            n += 1
            marker = f"[{tag}-{row_pk}-{n}]"
            fields = [
                (k, (v + "\n" + marker) if k == "next_steps" else v) for k, v in fields
            ]
            fields.append(("_save", "保存"))
            sent = time.time() - recorder.t0
            got = timed(
                recorder,
                session,
                "admin row save (POST)",
                "POST",
                change,
                body=urllib.parse.urlencode(fields),
            )
            if got is None:
                status = "exception"
            elif (
                got[0].status == 302
                and "/change/" not in (got[0].getheader("Location") or "")
                and "/accounts/login/" not in (got[0].getheader("Location") or "")
            ):
                status = "acknowledged"
            else:
                status = f"failed {got[0].status}"
            saves.append((row_pk, marker, status, sent))


def run_load(port, viewers, editors, urls, rows, args, server, tag):
    rng0 = random.Random(args.seed)  # noqa: S311 - think times, not secrets
    think_range = tuple(float(v) for v in args.think.split(","))
    sessions = []
    print(f"signing in {len(viewers) + len(editors)} accounts ...", flush=True)
    for name in [n for n, _ in viewers] + editors:
        s = Session(port)
        s.login(name)
        sessions.append(s)
    t0 = time.time()
    recorder = Recorder(t0, t0 + args.seconds)
    saves: list[tuple] = []
    threads = []
    for (name, code), s in zip(viewers, sessions, strict=False):
        rng = random.Random(rng0.random())  # noqa: S311
        threads.append(
            threading.Thread(
                target=viewer_loop,
                args=(s, recorder, rng, urls, code, think_range),
                name=name,
            )
        )
    for i, name in enumerate(editors):
        s = sessions[len(viewers) + i]
        rng = random.Random(rng0.random())  # noqa: S311
        threads.append(
            threading.Thread(
                target=editor_loop,
                args=(s, recorder, rng, urls, rows[i], think_range, saves, tag),
                name=name,
            )
        )
    faults: list[str] = []
    fault_thread = None
    if args.faults:
        fault_thread = threading.Thread(
            target=inject_faults, args=(server, recorder, args, faults), daemon=True
        )
    cpu0 = ed.own_cpu()
    busy0 = ed.busy_seconds()
    server0 = ed.session_cpu(server.pid)
    for t in threads:
        t.start()
    if fault_thread:
        fault_thread.start()
    for t in threads:
        t.join()
    if fault_thread:
        fault_thread.join(120)
    wall = time.time() - t0
    cpu = {
        "client": ed.own_cpu() - cpu0,
        "machine": ed.busy_seconds() - busy0,
        "server": ed.session_cpu(server.pid) - server0,
    }
    return recorder, saves, faults, wall, cpu


# --- Faults ----------------------------------------------------------------------


def children(pid: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def inject_faults(server, recorder, args, faults):
    at = recorder.t0 + args.seconds * 0.3
    time.sleep(max(0.0, at - time.time()))
    workers = children(server.pid)
    if workers:
        victim = workers[0]
        os.kill(victim, signal.SIGKILL)
        faults.append(
            f"t={time.time() - recorder.t0:5.1f} s  SIGKILL gunicorn worker {victim} "
            f"(of {workers})"
        )
        time.sleep(3)
        faults.append(f"           workers 3 s later: {children(server.pid)}")
    if pg_parts(os.environ["DATABASE_URL"]):
        at = recorder.t0 + args.seconds * 0.5
        time.sleep(max(0.0, at - time.time()))
        start, end, note = restart_pg()
        faults.append(
            f"t={start - recorder.t0:5.1f} s  PostgreSQL restart: {note}; ready at "
            f"t={end - recorder.t0:.1f} s ({end - start:.1f} s)"
        )


# --- Report --------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    return ed.percentile(values, p) if values else float("nan")


def report(recorder, saves, faults, wall, cpu, args):
    results = recorder.results
    by_page = collections.defaultdict(list)
    for r in results:
        by_page[r.page].append(r)
    total = len(results)
    errors = sum(not r.ok for r in results)
    print()
    print(
        f"{total} requests in {wall:.1f} s: {total / wall:.1f} req/s; "
        f"{errors} errors; {len(set(VIEWER_PAGES) | set(EDITOR_PAGES))} pages"
    )
    busy = cpu["machine"]
    print(
        f"CPU: machine busy {busy:.0f} s of {wall * os.cpu_count():.0f} core-s "
        f"({busy / wall / os.cpu_count() * 100:.0f} %): gunicorn (live processes) "
        f"{cpu['server']:.0f} s, the load client {cpu['client']:.1f} s, other "
        f"processes on the machine {max(0.0, busy - cpu['server'] - cpu['client']):.0f} s"
    )
    header = (
        f"{'page':24} {'n':>5} {'req/s':>6} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8} {'err':>4}  errors"
    )
    print()
    print(header)
    print("-" * len(header))
    for page in VIEWER_PAGES + EDITOR_PAGES:
        rows = by_page.get(page, [])
        ok = [r.latency * 1000 for r in rows if r.ok]
        bad = collections.Counter(r.outcome for r in rows if not r.ok)
        print(
            f"{page:24} {len(rows):5d} {len(rows) / wall:6.2f} {pct(ok, 0.5):8.0f} "
            f"{pct(ok, 0.95):8.0f} {pct(ok, 0.99):8.0f} "
            f"{max(ok, default=float('nan')):8.0f} {sum(bad.values()):4d}  "
            + ", ".join(f"{n} x {k}" for k, n in sorted(bad.items()))
        )
    ok_all = [r.latency * 1000 for r in results if r.ok]
    print(
        f"{'all':24} {total:5d} {total / wall:6.2f} {pct(ok_all, 0.5):8.0f} "
        f"{pct(ok_all, 0.95):8.0f} {pct(ok_all, 0.99):8.0f} "
        f"{max(ok_all, default=float('nan')):8.0f} {errors:4d}"
    )
    print("(latencies of successful answers only; err = non-2xx/3xx, redirect to")
    print(" the login page, exception or timeout after", f"{TIMEOUT:.0f} s)")

    if faults:
        print("\nFaults:")
        for line in faults:
            print("  " + line)
    if errors or faults:
        print(f"\nErrors by {WINDOW:.0f}-s window (start of the request):")
        windows = collections.defaultdict(collections.Counter)
        counts = collections.Counter()
        for r in results:
            w = int(r.t // WINDOW)
            counts[w] += 1
            if not r.ok:
                windows[w][f"{r.page}: {r.outcome}"] += 1
        for w in sorted(counts):
            if windows[w] or faults:
                detail = ", ".join(f"{n} x {k}" for k, n in sorted(windows[w].items()))
                print(
                    f"  {w * WINDOW:4.0f}-{(w + 1) * WINDOW:<4.0f}s {counts[w]:4d} req "
                    f"{sum(windows[w].values()):4d} err  {detail}"
                )


def check_saves(saves, tag):
    from django.db import connections

    from workitems.models import ResultRow

    connections.close_all()  # the main process's connection may predate a restart
    texts = dict(ResultRow.objects.values_list("pk", "next_steps"))
    status = collections.Counter()
    lost = []
    unacked_present = 0
    for pk, marker, state, _sent in saves:
        present = marker in texts.get(pk, "")
        key = "acknowledged" if state == "acknowledged" else state
        status[key] += 1
        if state == "acknowledged" and not present:
            lost.append(marker)
        if state != "acknowledged" and present:
            unacked_present += 1
    acked = status["acknowledged"]
    print(
        f"\nEditors' saves: {len(saves)} POSTed; {acked} acknowledged (302), "
        + ", ".join(f"{n} {k}" for k, n in status.items() if k != "acknowledged")
        + (" ; " if len(status) > 1 else "")
        + f"{acked - len(lost)} of the acknowledged found in the database; "
        f"LOST (acknowledged, absent): {len(lost)}"
        + (f" {lost}" if lost else "")
        + f"; not acknowledged but present: {unacked_present}"
    )
    # Duplicates would show a save applied twice (a retried POST).
    dupes = sum(texts.get(pk, "").count(m) > 1 for pk, m, _, _ in saves)
    if dupes:
        print(f"  markers present more than once: {dupes}")


def log_findings(log: Path) -> None:
    text = log.read_text(errors="replace") if log.exists() else ""
    tracebacks = text.count("Traceback (most recent call last)")
    internal = len(re.findall(r"Internal Server Error", text))
    kinds = collections.Counter(
        m.group(1).strip()
        for m in re.finditer(
            r"^((?:[\w.]+\.)?\w*(?:Error|Exception|Timeout)\b[^\n]{0,120})$",
            text,
            re.M,
        )
    )
    print(
        f"\ngunicorn log {log}: {tracebacks} tracebacks, {internal} 'Internal "
        f"Server Error', worker timeouts {text.count('WORKER TIMEOUT')}, "
        f"'Worker ... was sent SIGKILL' {text.count('was sent SIGKILL')}, booted "
        f"{text.count('Booting worker')}"
    )
    for line, n in kinds.most_common(8):
        print(f"  {n:4d} x {line}")


# --- Main ----------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, ed._terminate)
    created_db = None
    pg = pg_parts(args.database_url) if args.database_url else None
    try:
        if pg:
            server_url, name = pg
            if not re.fullmatch(r"\w+", name):
                raise SystemExit(f"database name {name!r}: letters, digits, _ only")
            query = f"SELECT 1 FROM pg_database WHERE datname='{name}'"  # noqa: S608
            exists = psql(server_url, query)
            if not exists:
                psql(server_url, f'CREATE DATABASE "{name}"')
                created_db = (server_url, name)
                print(f"created database {name}", flush=True)
        ed.setup_django(args.database_url)
        run(args)
    finally:
        ed.stop_all()
        if pg:
            ensure_pg_running()
        if created_db:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            server_url, name = created_db
            try:
                psql(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                print(f"dropped database {name}", flush=True)
            except subprocess.CalledProcessError as exc:
                print(f"could not drop {name}: {exc.stderr}", file=sys.stderr)


def run(args) -> None:
    from django.db import connection

    from meetings.models import Headquarters, Meeting
    from meetings.reports import number_materials
    from workitems.models import ResultRow

    print(ed.machine())
    engine = connection.vendor
    if engine == "postgresql":
        with connection.cursor() as c:
            c.execute("SHOW server_version")
            engine += " " + c.fetchone()[0]
    mode = "FAULTS" if args.faults else "normal"
    print(
        f"database: {engine}; gunicorn -w {args.workers} sync; {mode} mode, "
        f"{args.seconds:.0f} s; think {args.think} s"
    )
    print("load average at start: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    viewers, editors = make_accounts()
    hq = Headquarters.objects.get(name="「ワンチームとやま」連携推進本部")
    meeting = Meeting.objects.get(headquarters=hq, fiscal_year=2021, number=4)
    edition = distribute_first_edition(meeting, editors[0])
    material = next(iter(number_materials(meeting.materials.all())))
    material_number = getattr(material, "number", None) or 1
    urls = {
        "meeting": f"/meetings/{meeting.pk}/",
        "material": f"/meetings/{meeting.pk}/materials/{material_number}/",
        "packet": f"/meetings/{meeting.pk}/editions/{edition.number}/packet.pdf",
        "admin meeting": f"/admin/meetings/meeting/{meeting.pk}/change/",
    }
    rows = list(ResultRow.objects.order_by("pk").values_list("pk", flat=True)[:EDITORS])
    if len(rows) < EDITORS:
        raise SystemExit("the seed has fewer ResultRows than editors")
    print(f"{len(viewers)} viewers, {len(editors)} editors; {urls}; rows {rows}")
    from django.db import connections

    connections.close_all()

    port = ed.free_port()
    log = LOGS / f"gunicorn-{connection.vendor}-{mode}.log"
    server = ed.start(
        [
            str(BIN / "gunicorn"),
            "onechamber.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            str(int(TIMEOUT)),
        ],
        log,
    )
    try:
        ed.wait_for_server(port, server)
        # Every page once, to check the URLs before the clock starts.
        probe = Session(port)
        probe.login(viewers[0][0])
        for path in (urls["meeting"], urls["material"], urls["packet"]):
            response, _ = probe.request("GET", path)
            if response.status != 200:
                raise SystemExit(f"{path}: {response.status}")
        tag = f"load{int(time.time())}"
        recorder, saves, faults, wall, cpu = run_load(
            port, viewers, editors, urls, rows, args, server, tag
        )
    finally:
        ed.stop(server)
        if pg_parts(os.environ["DATABASE_URL"]):
            ensure_pg_running()
    report(recorder, saves, faults, wall, cpu, args)
    check_saves(saves, tag)
    log_findings(log)
    print("load average at end: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))


if __name__ == "__main__":
    main()
