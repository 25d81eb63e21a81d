"""The portal's pages at 1× and N× the seed's data, in one run (by hand, never in tests).

    DJANGO_SECRET_KEY=x .venv/bin/python bench/portal.py [--factor 100]
        [--samples 30] [--seconds 8] [--clients 4] [--workers 2]

For each size (1× and --factor ×) it makes a SQLite database of its own under
bench/out/ (migrate, load_seed, then tests/scaledata.scale(factor, spread):
every record of the seed copied factor - 1 times, so at 100× there are 1,300
meetings, 600 items and 6,000 WG sessions), rebuilds the search index, makes
a viewer account of 富山市, starts gunicorn on it (sync workers, debug off,
the environment of bench/editions.py) and measures.

How the data grows is --spread: a portal's data grows by years and by
headquarters, not by a hundred times the items of one year. With the default
10 the copies go to ten headquarters of ten fiscal years each (the seed's
headquarters gets the nine years before the seed's); pages of one year then
show what they show at 1×, and pages over all years (「全年度」, search)
ten times as much. --spread 0 puts every copy in the seed's headquarters and
years (the shape of the query-count tests: 100 times the items of 令和3年度,
so 資料1 prints 600 items' results).

It measures:

- latency: every portal page --samples times in a row, one client (after one
  request that warms the worker): p50 and p95;
- throughput: --clients clients, each on its own connection, requesting the
  page for --seconds: answers per second. The login page (a GET without
  cookies, the cheapest page) is measured the same way, as the yardstick.

Each size is measured twice, on a server without the page cache (every answer
rendered, as just after an edit) and with it (the steady state). It prints,
for each: per page, p95 at 1×, p95 at N× and their ratio (the target is at
most 1.5), and the throughput at N× against the login page's on the same
server (the target is at least 0.5). Database, logs and gunicorn's output
stay under bench/out/portal-*.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))


from bench_common import editions_bench  # noqa: E402 - after sys.path

ed = editions_bench()
OUT = ed.OUT
PYTHON = sys.executable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--spread",
        type=int,
        default=10,
        help="headquarters the copies go to, each back over the years (0: none)",
    )
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    return parser.parse_args()


def db_path(factor: int) -> Path:
    return OUT / f"portal-x{factor}.sqlite3"


def prepare(factor: int, spread: int) -> None:
    """(In a child process.) The database of one size; prints its pages as JSON."""
    import django

    django.setup()
    from django.core.management import call_command

    devnull = open(os.devnull, "w")  # noqa: SIM115
    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_seed", stdout=devnull)
    from tests.scaledata import scale

    if factor > 1:
        scale(factor, spread=spread or None)
    from meetings.models import Headquarters

    call_command(
        "add_user",
        ed.VIEWER,
        role="viewer",
        organization="162019",
        headquarters=Headquarters.objects.order_by("pk").first().name,
        password_stdin=False,
        stdout=devnull,
    )
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=ed.VIEWER)
    user.set_password(ed.VIEWER_PASSWORD)
    user.save()
    call_command("rebuild_search_index", stdout=devnull)
    # As a deployment does; whitenoise serves STATIC_ROOT.
    call_command("collectstatic", interactive=False, verbosity=0)

    from meetings.models import Meeting, UserProfile
    from workitems.models import FiscalYearPlan, Session, WorkItem

    seed = Meeting.objects.get(fiscal_year=2021, number=4)
    item = WorkItem.objects.order_by("pk").first()
    plan = FiscalYearPlan.objects.order_by("pk").first()
    token = UserProfile.objects.get(user=user).calendar_token
    pages = {
        "home": "/",
        "meeting list": "/meetings/",
        "meeting list, all years": "/meetings/?fy=all",
        "meeting": f"/meetings/{seed.pk}/",
        "material": f"/meetings/{seed.pk}/materials/1/",
        "item list": "/items/",
        "item list, all years": "/items/?fy=all",
        "item": f"/items/{item.pk}/",
        "WG table": "/items/wg-status/?fy=2021",
        "plan": f"/plans/{plan.fiscal_year}/",
        "schedule": "/schedule/",
        "calendar feed": f"/schedule.ics?token={urllib.parse.quote(token)}",
        "municipality list": "/municipalities/",
        "municipality": "/municipalities/162019/?fy=2021",
        "vaccination": "/vaccination/",
        "venues": "/vaccination/venues/",
        "eligibility": "/vaccination/eligibility/",
        "search": "/search/?" + urllib.parse.urlencode({"q": "除雪"}),
    }
    counts = {
        "meetings": Meeting.objects.count(),
        "items": WorkItem.objects.count(),
        "sessions": Session.objects.count(),
        "headquarters": Meeting.objects.values("headquarters").distinct().count(),
        "meetings of the seed's headquarters": Meeting.objects.filter(
            headquarters=seed.headquarters
        ).count(),
        "of its 令和3年度": Meeting.objects.filter(
            headquarters=seed.headquarters, fiscal_year=2021
        ).count(),
        "seconds": round(time.monotonic() - started, 1),
    }
    print(json.dumps({"pages": pages, "counts": counts}))


def build(factor: int, spread: int) -> dict:
    path = db_path(factor)
    for p in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    env = ed.child_env() | {"DATABASE_URL": f"sqlite:///{path}"}
    out = subprocess.run(
        [PYTHON, __file__, "--prepare", str(factor), "--spread", str(spread)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        sys.exit(f"preparing {factor}×:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def throughput(
    port: int, cookies: dict | None, path: str, clients: int, seconds: float
):
    """Answers per second of `clients` clients for `seconds` (200s only)."""
    counts = [0] * clients
    failures = [0] * clients
    stop = time.perf_counter() + seconds

    def run(i):
        client = ed.Client(port, cookies)
        try:
            while time.perf_counter() < stop:
                response, _ = client.request("GET", path)
                if response.status == 200:
                    counts[i] += 1
                else:
                    failures[i] += 1
        finally:
            client.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - started), sum(failures)


def measure(factor: int, pages: dict, args, *, cached: bool) -> dict:
    port = ed.free_port()
    log = OUT / f"portal-x{factor}-{'cached' if cached else 'rendered'}-gunicorn.log"
    # ed.start: gunicorn in a process group of its own, which ed.stop ends whole.
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path(factor)}"
    # Without the page cache: each answer renders its page (a reading just
    # after an edit); with it: the steady state between edits.
    os.environ["ONECHAMBER_PAGE_CACHE_SECONDS"] = "300" if cached else "0"
    proc = ed.start(
        [
            str(ed.BIN / "gunicorn"),
            "onechamber.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
        ],
        log,
    )
    try:
        ed.wait_for_server(port, proc)
        cookies = ed.login(port)
        results = {}

        def expect(response, data):
            if response.status != 200:
                raise SystemExit(f"{factor}×: {response.status} from a page")

        for name, path in {"login (anon GET)": "/accounts/login/", **pages}.items():
            jar = None if name.startswith("login") else cookies
            samples = ed.sequential(port, jar, path, args.samples, expect=expect)
            rps, failed = throughput(port, jar, path, args.clients, args.seconds)
            results[name] = {
                "p50": ed.percentile(samples, 0.5),
                "p95": ed.percentile(samples, 0.95),
                "rps": rps,
                "failed": failed,
            }
            print(
                f"  {factor:>4}× {'cached' if cached else 'render'} {name:<20} p50 {results[name]['p50'] * 1000:7.1f} ms"
                f"  p95 {results[name]['p95'] * 1000:7.1f} ms  {rps:6.1f}/s"
                + (f"  ({failed} not 200)" if failed else ""),
                flush=True,
            )
        return results
    finally:
        ed.stop(proc)


def main() -> None:
    args = parse_args()
    if args.prepare is not None:
        prepare(args.prepare, args.spread)
        return
    if not os.environ.get("DJANGO_SECRET_KEY"):
        sys.exit("set DJANGO_SECRET_KEY (any value: the bench has its own databases)")
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", "sqlite://")  # child_env() copies it
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}", flush=True)
    sizes = (1, args.factor)
    runs = {}
    for factor in sizes:
        started = time.monotonic()
        data = build(factor, args.spread)
        print(
            f"{factor}×: {data['counts']} (prepared in "
            f"{time.monotonic() - started:.0f} s)",
            flush=True,
        )
        for cached in (False, True):
            runs[factor, cached] = measure(factor, data["pages"], args, cached=cached)
    for cached in (False, True):
        report(runs[1, cached], runs[args.factor, cached], args.factor, cached)


def report(one: dict, many: dict, factor: int, cached: bool) -> None:
    login = many["login (anon GET)"]["rps"]
    print(
        "\n"
        + (
            "With the page cache (the steady state between edits):"
            if cached
            else "Without the page cache (every answer rendered):"
        )
    )
    print(
        f"{'page':<20} {'p95 1×':>9} {'p95 ' + str(factor) + '×':>10}"
        f" {'ratio':>6}  {'/s ' + str(factor) + '×':>8} {'÷ login':>8}"
    )
    worst_ratio, worst_share = 0.0, 9.9
    for name in one:
        ratio = many[name]["p95"] / one[name]["p95"]
        share = many[name]["rps"] / login
        if not name.startswith("login"):
            worst_ratio, worst_share = max(worst_ratio, ratio), min(worst_share, share)
        print(
            f"{name:<20} {one[name]['p95'] * 1000:7.1f}ms {many[name]['p95'] * 1000:8.1f}ms"
            f" {ratio:6.2f}  {many[name]['rps']:8.1f} {share:8.2f}"
        )
    print(
        f"worst p95 ratio {worst_ratio:.2f} (target ≤ 1.5); "
        f"lowest throughput ÷ login {worst_share:.2f} (target ≥ 0.5)"
    )


if __name__ == "__main__":
    main()
