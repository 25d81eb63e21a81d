"""Benchmark of packet editions (版) as production runs them (by hand, never in tests).

    DJANGO_SECRET_KEY=x .venv/bin/python bench/editions.py [--scales 1,10] [--runs 3]

In a database of its own (SQLite under bench/out/, with its own editions
storage, media and collected static files there too), for the seed meeting and
for a copy of it with its materials copied --scales times over, it prints:

1. the cold build of 第1版 (part cache PacketPart emptied, no file of the
   meeting in the editions storage, the other meetings' files moved aside
   for the run):
   from `editions.distribute` to the edition READY, built by a real
   `manage.py run_worker --batch` process started right after the distribute
   (so the time includes the worker's start, as the first build after a
   deploy would; the split shows what a worker already running would take);
   its pages, size and parts;
2. the 差し替え after one change (a text material edited): the next edition's
   time to READY, again by a worker process, and how many parts it rendered;
3. the peak memory of the worker's process tree (the worker, its forkserver
   and the render pool: every process of the worker's session), sampled from
   /proc every 50 ms: the largest sum of VmRSS (and of Pss, which counts
   shared pages once), and the largest VmHWM of any one process;
4. downloads through gunicorn (2 sync workers, debug off), at each scale:
   the edition's /meetings/<pk>/editions/1/packet.pdf as a signed-in viewer,
   and the same bytes as a static file whitenoise serves from STATIC_ROOT,
   by the same server: median and p95 of sequential GETs, throughput with
   concurrent clients, and the 304 of a conditional GET.

The phases of a build are read from the database: the task's started_at (the
worker claimed it), the edition's snapshot_at (snapshot taken), the moment its
progress reached its total (every part rendered, seen by polling), and its
distributed_at (files assembled and written, READY). The CPU time of the
worker's processes, and what other processes on the machine used meanwhile,
say how far a wall time was disturbed.

Answers other than a full 200 under concurrent clients are counted and
reported, not thrown: on SQLite, recording a download inside the request's
transaction can fail with "database is locked" (see gunicorn's log under
bench/out/editions-logs/). --database-url runs it all on another, empty
database of its own (e.g. PostgreSQL) instead.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import http.client
import importlib.util
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "bench" / "out"
DB = OUT / "editions.sqlite3"
EDITIONS_ROOT = OUT / "editions-storage"
ASIDE = OUT / "editions-aside"
STATIC_ROOT = OUT / "editions-static"
MEDIA_ROOT = OUT / "editions-media"
LOGS = OUT / "editions-logs"
PYTHON = sys.executable
BIN = Path(sys.executable).parent
sys.path.insert(0, str(BASE_DIR))

VIEWER = "bench-viewer"
VIEWER_PASSWORD = "bench-viewer-password-7f3a"  # noqa: S105 - a throwaway DB's account
VIEWER_ORGANIZATION = "富山市"

_children: list[subprocess.Popen] = []


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--downloads", type=int, default=50, help="sequential GETs")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument(
        "--per-client", type=int, default=25, help="GETs of each concurrent client"
    )
    parser.add_argument(
        "--timeout", type=float, default=3600, help="seconds a build may take"
    )
    parser.add_argument("--sample-ms", type=float, default=50)
    parser.add_argument(
        "--database-url",
        help="an empty database of the bench's own (default: SQLite under bench/out/)",
    )
    return parser.parse_args()


# --- Environment ---------------------------------------------------------------


_SERVER_KEY = secrets.token_urlsafe(50)


def child_env() -> dict[str, str]:
    """The environment of the worker and of gunicorn: this bench's database,
    storage and static files, debug off."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    env.update(
        DATABASE_URL=os.environ["DATABASE_URL"],
        DJANGO_SETTINGS_MODULE="onechamber.settings",
        # gunicorn refuses a weak key outside debug: one of its own per run.
        DJANGO_SECRET_KEY=_SERVER_KEY,
        ONECHAMBER_EDITIONS_ROOT=str(EDITIONS_ROOT),
        DJANGO_STATIC_ROOT=str(STATIC_ROOT),
        DJANGO_MEDIA_ROOT=str(MEDIA_ROOT),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_COOKIES="false",
        # Plain HTTP on 127.0.0.1: no redirect to HTTPS, no HSTS.
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_HSTS_SECONDS="0",
        # The worktree's modules before the editable install of the main checkout.
        PYTHONPATH=os.pathsep.join(
            [str(BASE_DIR), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
        PYTHONUNBUFFERED="1",
    )
    return env


def setup_django(database_url: str | None) -> None:
    if not os.environ.get("DJANGO_SECRET_KEY"):
        sys.exit("set DJANGO_SECRET_KEY (any value: the bench has its own database)")
    OUT.mkdir(parents=True, exist_ok=True)
    for path in (DB, Path(f"{DB}-journal"), Path(f"{DB}-wal"), Path(f"{DB}-shm")):
        path.unlink(missing_ok=True)
    for folder in (EDITIONS_ROOT, ASIDE, MEDIA_ROOT, LOGS):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    os.environ.pop("DJANGO_DEBUG", None)
    # Never the DATABASE_URL of the environment: the bench deletes editions and
    # the part cache.
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{DB}"
    os.environ.update(
        {
            k: v
            for k, v in child_env().items()
            if k.startswith(("DJANGO_", "ONECHAMBER_"))
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_seed", stdout=open(os.devnull, "w"))  # noqa: SIM115
    # As a deployment does; whitenoise serves STATIC_ROOT (see downloads()).
    call_command("collectstatic", interactive=False, verbosity=0)


def packet_bench():
    """bench/packet.py, for its copy of the seed meeting with more materials."""
    spec = importlib.util.spec_from_file_location(
        "bench_packet", BASE_DIR / "bench" / "packet.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def machine() -> str:
    from django import get_version

    from meetings.packet import engine

    model = ""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
        model = found.group(1).strip() if found else ""
    except OSError:
        pass
    mem = ""
    try:
        found = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        mem = f", {int(found.group(1)) / 1024 / 1024:.1f} GiB RAM" if found else ""
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0))
    gunicorn = subprocess.run(
        [str(BIN / "gunicorn"), "--version"], capture_output=True, text=True
    ).stdout.strip()
    return (
        f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; "
        f"{platform.node()}: {cores} cores ({model}){mem}; {platform.platform()}\n"
        f"Python {platform.python_version()}, Django {get_version()}, "
        f"WeasyPrint {engine.WEASYPRINT_VERSION}, {gunicorn}; "
        f"render processes per worker: {engine.worker_count()}"
    )


# --- Subprocesses --------------------------------------------------------------


def start(cmd: list[str], log: Path) -> subprocess.Popen:
    """A child in a session of its own (its pid is the session's and group's id)."""
    handle = open(log, "ab")  # noqa: SIM115 - closed in stop()
    proc = subprocess.Popen(
        cmd,
        cwd=BASE_DIR,
        env=child_env(),
        stdin=subprocess.DEVNULL,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    proc.log_handle = handle
    _children.append(proc)
    return proc


def stop(proc: subprocess.Popen, *, grace: float = 10) -> None:
    """End `proc`'s whole process group: TERM, then KILL after `grace` seconds."""
    try:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(grace)
        # Whatever the leader left in its group (render processes, gunicorn workers).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.wait(5)
    finally:
        proc.log_handle.close()
        if proc in _children:
            _children.remove(proc)


def stop_all() -> None:
    for proc in list(_children):
        try:
            stop(proc, grace=5)
        except Exception as exc:  # keep stopping the others
            print(f"could not stop pid {proc.pid}: {exc}", file=sys.stderr)


def _terminate(signum, frame):
    raise SystemExit(f"stopped by {signal.strsignal(signum)}")


# --- Memory of a process tree ----------------------------------------------------


def session_pids(session: int) -> list[int]:
    """The processes of `session` (the worker's, which its children inherit
    even when their parent exits)."""
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[3]) == session:  # state ppid pgrp session
            pids.append(int(entry.name))
    return pids


def _kib(text: str, key: str) -> int:
    found = re.search(rf"^{key}:\s+(\d+) kB", text, re.M)
    return int(found.group(1)) if found else 0


class MemorySampler(threading.Thread):
    """Every `interval` seconds: VmRSS and Pss summed over the session's
    processes, and each process's VmHWM (its own peak, kept by the kernel)."""

    def __init__(self, session: int, interval: float):
        super().__init__(daemon=True)
        self.session = session
        self.interval = interval
        self.done = threading.Event()
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_processes = 0
        self.hwm: dict[int, tuple[int, str]] = {}
        self.labels: dict[int, str] = {}
        self.ticks: dict[int, int] = {}  # utime + stime, last seen
        self.samples = 0

    def run(self):
        while not self.done.is_set():
            rss = pss = 0
            pids = session_pids(self.session)
            for pid in pids:
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                rss += _kib(status, "VmRSS")
                with contextlib.suppress(OSError, ValueError, IndexError):
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1]
                    fields = fields.split()
                    self.ticks[pid] = int(fields[11]) + int(fields[12])
                hwm = _kib(status, "VmHWM")
                name = self._label(pid)
                if hwm > self.hwm.get(pid, (0, ""))[0]:
                    self.hwm[pid] = (hwm, name)
                with contextlib.suppress(OSError):
                    pss += _kib(Path(f"/proc/{pid}/smaps_rollup").read_text(), "Pss")
            self.samples += 1
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.peak_processes = max(self.peak_processes, len(pids))
            self.done.wait(self.interval)

    def _label(self, pid: int) -> str:
        """worker, forkserver, render (the forkserver's children), or the command."""
        if pid in self.labels:
            return self.labels[pid]
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return "?"
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        text = " ".join(c.decode(errors="replace") for c in cmd if c)
        if pid == self.session:
            label = "worker"
        elif self.labels.get(ppid) == "forkserver":
            label = "render"
        elif "forkserver" in text:
            label = "forkserver"
        elif "resource_tracker" in text:
            label = "resource_tracker"
        else:
            label = Path(text.split(" ", 1)[0]).name or "?"
        self.labels[pid] = label
        return label

    def stop(self):
        self.done.set()
        self.join(5)

    def cpu_seconds(self) -> float:
        return sum(self.ticks.values()) / os.sysconf("SC_CLK_TCK")

    def max_hwm(self) -> tuple[int, str]:
        return max(self.hwm.values(), default=(0, "none"))


# --- Builds --------------------------------------------------------------------


def session_cpu(session: int) -> float:
    """CPU seconds of the live processes of `session` (and their reaped children)."""
    total = 0
    for pid in session_pids(session):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(v) for v in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def busy_seconds() -> float:
    """CPU time the whole machine spent busy since boot (all cores)."""
    fields = [
        int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    ]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    busy = user + nice + system + irq + softirq + steal
    return busy / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def ts(value: dt.datetime | None) -> float | None:
    return value.timestamp() if value else None


def reset_cold(meeting) -> None:
    """An empty part cache, no edition of `meeting`, nothing in the editions
    storage (the other meetings' files are moved aside until the build ends)."""
    from meetings.models import Edition, PacketPart
    from meetings.packet import snapshot

    Edition.objects.filter(meeting=meeting).delete()
    PacketPart.objects.all().delete()
    folder = EDITIONS_ROOT / str(meeting.headquarters_id) / str(meeting.pk)
    shutil.rmtree(folder, ignore_errors=True)
    for entry in EDITIONS_ROOT.iterdir():
        target = ASIDE / entry.name
        if target.exists():
            shutil.copytree(entry, target, dirs_exist_ok=True)
            shutil.rmtree(entry)
        else:
            shutil.move(entry, target)
    assert not any(EDITIONS_ROOT.iterdir())
    assert not list(snapshot.storage().listdir("")[0])


def restore_aside() -> None:
    for entry in ASIDE.iterdir():
        shutil.copytree(entry, EDITIONS_ROOT / entry.name, dirs_exist_ok=True)
        shutil.rmtree(entry)


def timed_build(meeting, *, by, note: str, args, label: str) -> dict:
    """distribute(), then a worker process until the edition is READY."""
    from django_tasks_db.models import DBTaskResult

    from meetings import editions
    from meetings.models import Edition

    before = set(DBTaskResult.objects.values_list("pk", flat=True))
    machine0, self0 = busy_seconds(), own_cpu()
    t0 = time.time()
    edition = editions.distribute(meeting=meeting, by=by, note=note)
    t_distributed = time.time()
    task = DBTaskResult.objects.exclude(pk__in=before).get()
    worker = start(
        [PYTHON, str(BASE_DIR / "manage.py"), "run_worker", "--batch"],
        LOGS / f"worker-{label}.log",
    )
    t_spawn = time.time()
    sampler = MemorySampler(worker.pid, args.sample_ms / 1000)
    sampler.start()
    rendered_seen = None
    state = edition.state
    try:
        while True:
            row = (
                Edition.objects.filter(pk=edition.pk)
                .values("state", "progress_done", "progress_total")
                .get()
            )
            state = row["state"]
            now = time.time()
            if (
                rendered_seen is None
                and row["progress_total"]
                and row["progress_done"] >= row["progress_total"]
            ):
                rendered_seen = now
            if state in (Edition.State.READY, Edition.State.FAILED):
                break
            if worker.poll() is not None:
                print(
                    f"  worker ended ({worker.returncode}) before the edition",
                    flush=True,
                )
                break  # the worker ended before the edition: reported below
            if now - t0 > args.timeout:
                raise SystemExit(
                    f"{label}: not ready after {args.timeout:.0f} s (state {state}); "
                    f"see {LOGS / f'worker-{label}.log'}"
                )
            time.sleep(0.05)
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.wait(60)  # --batch: it exits when no task is left
        t_exit = time.time()
    finally:
        sampler.stop()
        stop(worker)
    wall = time.time() - t0
    machine_busy, self_busy = busy_seconds() - machine0, own_cpu() - self0
    edition.refresh_from_db()
    task.refresh_from_db()
    if edition.state != Edition.State.READY:
        log = (LOGS / f"worker-{label}.log").read_text(errors="replace")[-3000:]
        raise SystemExit(
            f"{label}: edition ended {edition.state}: {edition.error}\n"
            f"task {task.status}; worker exit {worker.returncode}\n{log}"
        )
    claimed = ts(task.started_at)
    snap = ts(edition.snapshot_at)
    ready = ts(edition.distributed_at)
    rendered = min(rendered_seen or ready, ready)
    hwm, hwm_name = sampler.max_hwm()
    return {
        "edition": edition,
        "total": ready - t0,
        "distribute": t_distributed - t0,
        "start": claimed - t_spawn,  # interpreter, Django, random delay, poll
        "snapshot": snap - claimed,
        "render": rendered - snap,
        "assemble": ready - rendered,
        "build": ready - claimed,
        "exit": t_exit - ready,
        "pages": edition.page_count,
        "bytes": edition.size,
        "parts": edition.progress_total,
        "rendered": edition.rendered_count,
        "peak_rss": sampler.peak_rss,
        "peak_pss": sampler.peak_pss,
        "hwm": hwm,
        "hwm_name": hwm_name,
        "processes": sampler.peak_processes,
        "samples": sampler.samples,
        "hwm_all": sorted(sampler.hwm.values(), reverse=True),
        "cpu": sampler.cpu_seconds(),
        "others": max(0.0, machine_busy - self_busy - sampler.cpu_seconds()),
        "wall": wall,
    }


def change_one_text(meeting, run: int):
    """Edit one text material, as the secretariat would (a save)."""
    from meetings.reports import number_materials

    material = next(
        m for m in number_materials(meeting.materials.all()) if m.content == "text"
    )
    material.text += f"\n\n追記{run + 1}：ベンチマークによる変更。"
    material.save()
    return material


# --- Downloads -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One HTTP client on its own connection (re-opened when the server closes
    it: gunicorn's sync workers close after each response)."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies = dict(cookies or {})

    def request(self, method, path, *, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.conn.close()
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        for header in response.msg.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value
        return response, data

    def close(self):
        self.conn.close()


def login(port: int) -> dict[str, str]:
    client = Client(port)
    response, page = client.request("GET", "/accounts/login/")
    assert response.status == 200, response.status
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {
            "username": VIEWER,
            "password": VIEWER_PASSWORD,
            "csrfmiddlewaretoken": token.decode(),
            "next": "/",
        }
    )
    response, _ = client.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    client.close()
    if response.status != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"login failed: {response.status}")
    return client.cookies


def wait_for_server(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited ({proc.returncode}); see its log")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    k = (len(ordered) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def sequential(port, cookies, path, n, *, expect, headers=None) -> list[float]:
    client = Client(port, cookies)
    samples = []
    try:
        for _ in range(n + 1):  # the first one warms the connection and worker
            started = time.perf_counter()
            response, data = client.request("GET", path, headers=headers)
            samples.append(time.perf_counter() - started)
            expect(response, data)
    finally:
        client.close()
    return samples[1:]


def concurrent(port, cookies, path, clients, per_client, *, size) -> dict:
    """`clients` threads, each on its own connection, `per_client` GETs each;
    answers other than a full 200 are counted, not thrown."""
    barrier = threading.Barrier(clients + 1)
    results: list[tuple[int, int, dict]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run():
        client = Client(port, cookies)
        got = count = 0
        failed: dict[str, int] = {}
        try:
            barrier.wait()
            for _ in range(per_client):
                response, data = client.request("GET", path)
                if response.status == 200 and len(data) == size:
                    got += len(data)
                    count += 1
                else:
                    key = f"{response.status}"
                    failed[key] = failed.get(key, 0) + 1
        except BaseException as exc:  # reported by the caller
            with lock:
                errors.append(exc)
        finally:
            client.close()
            with lock:
                results.append((count, got, failed))

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if errors:
        raise errors[0]
    count = sum(c for c, _, _ in results)
    got = sum(b for _, b, _ in results)
    failed: dict[str, int] = {}
    for _, _, f in results:
        for k, v in f.items():
            failed[k] = failed.get(k, 0) + v
    return {
        "rps": count / wall,
        "mbps": got / wall / 1e6,
        "count": count,
        "failed": failed,
        "wall": wall,
    }


def downloads(targets: dict[int, dict], args) -> dict[int, dict]:
    """Through one gunicorn: each scale's edition, then the same bytes as a
    static file, sequentially, concurrently, and conditionally."""
    for scale, target in targets.items():
        folder = STATIC_ROOT / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / f"edition-{scale}x.pdf"
        copy.write_bytes(target["data"])
        target["static_url"] = f"/static/bench/{copy.name}"
    port = free_port()
    log = LOGS / "gunicorn.log"
    # Started after the copies are in STATIC_ROOT: whitenoise lists it at start.
    server = start(
        [
            str(BIN / "gunicorn"),
            "onechamber.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
        ],
        log,
    )
    results = {}
    try:
        wait_for_server(port, server)
        cookies = login(port)
        for scale, target in targets.items():
            data = target["data"]
            digest = hashlib.sha256(data).hexdigest()
            machine0, self0, server0 = (
                busy_seconds(),
                own_cpu(),
                session_cpu(server.pid),
            )
            t0 = time.time()

            def full(response, body, data=data, digest=digest):
                if response.status != 200 or len(body) != len(data):
                    raise AssertionError(
                        f"GET answered {response.status}, {len(body)} bytes"
                    )

            def not_modified(response, body):
                if response.status != 304:
                    raise AssertionError(f"conditional GET answered {response.status}")

            # Once, checked byte for byte, with the headers the client caches by.
            client = Client(port, cookies)
            response, body = client.request("GET", target["url"])
            client.close()
            assert response.status == 200, (target["url"], response.status)
            assert hashlib.sha256(body).hexdigest() == digest, "edition bytes differ"
            etag = response.getheader("ETag")
            client = Client(port)
            response, body = client.request("GET", target["static_url"])
            client.close()
            assert response.status == 200, (target["static_url"], response.status)
            assert hashlib.sha256(body).hexdigest() == digest, "static bytes differ"
            static_etag = response.getheader("ETag")

            row = {"bytes": len(data)}
            for what, path, jar in (
                ("edition", target["url"], cookies),
                ("static", target["static_url"], None),
            ):
                seq = sequential(port, jar, path, args.downloads, expect=full)
                row[what] = {
                    "median": statistics.median(seq),
                    "p95": percentile(seq, 0.95),
                    **concurrent(
                        port, jar, path, args.clients, args.per_client, size=len(data)
                    ),
                }
            for what, path, jar, tag in (
                ("edition", target["url"], cookies, etag),
                ("static", target["static_url"], None, static_etag),
            ):
                seq = sequential(
                    port,
                    jar,
                    path,
                    args.downloads,
                    expect=not_modified,
                    headers={"If-None-Match": tag},
                )
                row[what]["304_median"] = statistics.median(seq)
                row[what]["304_p95"] = percentile(seq, 0.95)
            server_cpu = session_cpu(server.pid) - server0
            row["wall"] = time.time() - t0
            row["others"] = max(
                0.0,
                busy_seconds() - machine0 - (own_cpu() - self0) - server_cpu,
            )
            results[scale] = row
    finally:
        stop(server)
    return results


# --- Report --------------------------------------------------------------------


def med(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def spread(rows: list[dict], key: str, unit: str = "s", fmt: str = "{:.1f}") -> str:
    values = [r[key] for r in rows]
    text = fmt.format(statistics.median(values)) + " " + unit
    if len(values) > 1:
        text += f" (min {fmt.format(min(values))}, max {fmt.format(max(values))})"
    return text


def report(builds: dict, fetched: dict, args) -> None:
    mib = 1024
    print()
    print(f"Each build: median of {args.runs} run(s), each by a fresh worker process.")
    for scale, b in builds.items():
        cold, again = b["cold"], b["rebuild"]
        first = cold[-1]
        print(
            f"\n== {scale}x content: {b['materials']} materials, 第1版 "
            f"{first['pages']} pages, {first['bytes'] / 1024:.0f} KiB, "
            f"{first['parts']} parts"
        )
        print(
            f"  1. cold 第1版, distribute -> READY   {spread(cold, 'total')}   "
            f"({med(cold, 'total') * 1000 / first['pages']:.0f} ms/page)"
        )
        print(
            f"       distribute() {med(cold, 'distribute'):.2f} s | worker start -> "
            f"claim {med(cold, 'start'):.1f} s | snapshot {med(cold, 'snapshot'):.1f} s"
            f" | render {med(cold, 'render'):.1f} s | assemble+store "
            f"{med(cold, 'assemble'):.1f} s"
        )
        print(
            f"       build once claimed (a running worker): "
            f"{spread(cold, 'build')}; rendered {first['rendered']} of "
            f"{first['parts']} parts"
        )
        print(
            f"       CPU of the worker tree {spread(cold, 'cpu')}; other processes "
            f"on the machine meanwhile {spread(cold, 'others')} of CPU over "
            f"{med(cold, 'wall'):.0f} s x {os.cpu_count()} cores"
        )
        print(
            f"  2. 差し替え after 1 text change -> READY  {spread(again, 'total')}; "
            f"rendered {', '.join(str(r['rendered']) for r in again)} part(s) "
            f"(of {first['parts']} in 第1版; the new edition holds "
            f"{', '.join(str(r['parts']) for r in again)})"
        )
        print(
            f"       distribute() {med(again, 'distribute'):.2f} s | worker start -> "
            f"claim {med(again, 'start'):.1f} s | snapshot "
            f"{med(again, 'snapshot'):.1f} s | render {med(again, 'render'):.1f} s"
            f" | assemble+store {med(again, 'assemble'):.1f} s; "
            f"{again[-1]['pages']} pages, {again[-1]['bytes'] / 1024:.0f} KiB"
        )
        print(
            f"       CPU of the worker tree {spread(again, 'cpu')}; other processes "
            f"{spread(again, 'others')}"
        )
        print(
            f"  3. worker tree peak, cold: sum VmRSS {max(r['peak_rss'] for r in cold) / mib:.0f} MiB, "
            f"sum Pss {max(r['peak_pss'] for r in cold) / mib:.0f} MiB, "
            f"max VmHWM {max(r['hwm'] for r in cold) / mib:.0f} MiB "
            f"({max(cold, key=lambda r: r['hwm'])['hwm_name']}); "
            f"{max(r['processes'] for r in cold)} processes"
        )
        print(
            "       VmHWM per process (last cold run): "
            + ", ".join(f"{name} {k / mib:.0f}" for k, name in cold[-1]["hwm_all"])
            + " MiB"
        )
        print(
            f"       差し替え: sum VmRSS {max(r['peak_rss'] for r in again) / mib:.0f} MiB, "
            f"max VmHWM {max(r['hwm'] for r in again) / mib:.0f} MiB"
        )
        if scale in fetched:
            f = fetched[scale]
            print(
                f"  4. downloads of {f['bytes'] / 1024:.0f} KiB through gunicorn "
                f"(-w 2 sync), {args.downloads} sequential GETs, "
                f"{args.clients} clients x {args.per_client} GETs"
            )
            print(
                f"     (other processes on the machine used {f['others']:.1f} s of "
                f"CPU over these {f['wall']:.0f} s)"
            )
            for what, title in (
                ("edition", "edition packet.pdf (viewer)"),
                ("static", "same bytes, whitenoise"),
            ):
                r = f[what]
                print(
                    f"     {title:29} median {r['median'] * 1000:6.1f} ms, "
                    f"p95 {r['p95'] * 1000:6.1f} ms | concurrent "
                    f"{r['rps']:6.1f} req/s, {r['mbps']:7.1f} MB/s | 304 median "
                    f"{r['304_median'] * 1000:5.1f} ms, p95 {r['304_p95'] * 1000:5.1f} ms"
                )
                if r["failed"]:
                    print(
                        f"     {'':29} concurrent: {r['count']} full 200s, failed "
                        + ", ".join(f"{n} x {code}" for code, n in r["failed"].items())
                        + f" (see {LOGS / 'gunicorn.log'})"
                    )
    print(
        "\nworker start -> claim: the interpreter and Django starting, and "
        "db_worker's random startup delay (0-1 s), until the task's started_at; "
        "a worker already running claims within its --interval (1 s) instead. "
        "render: snapshot_at until every part was rendered (progress polled every "
        "50 ms; it includes starting the render pool); assemble+store: from then "
        "to distributed_at (merging, page numbers, per-material files, writing)."
    )
    print(
        "\nDownloads: gunicorn's sync workers close the connection after each "
        "answer, so each GET opens one; client threads run on the same 2 cores. "
        "The static copy is written into STATIC_ROOT (after collectstatic) before "
        "gunicorn starts: whitenoise indexes STATIC_ROOT at start-up and serves a "
        "file the manifest does not list (not as immutable)."
    )
    print(
        "\nMemory: every 50 ms, the processes whose session is the worker's "
        "(the worker was started in a new session, its forkserver and render "
        "processes inherit it) were read from /proc/<pid>/status (VmRSS summed, "
        "VmHWM per process) and /proc/<pid>/smaps_rollup (Pss summed). RSS sums "
        "count the pages the forkserver's children share more than once; Pss "
        "does not."
    )


# --- Main ----------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, _terminate)
    setup_django(args.database_url)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from meetings.models import Headquarters, Meeting
    from onechamber.roles import sync_groups

    print(machine())
    print("load average at start: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    hq = Headquarters.objects.get(name="「ワンチームとやま」連携推進本部")
    groups = sync_groups()
    secretariat = get_user_model().objects.create_user("bench-secretariat")
    secretariat.groups.set([groups["secretariat"]])
    call_command(
        "add_user",
        VIEWER,
        role="viewer",
        organization=VIEWER_ORGANIZATION,
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )
    viewer = get_user_model().objects.get(username=VIEWER)
    viewer.set_password(VIEWER_PASSWORD)
    viewer.save()

    scales = [int(s) for s in args.scales.split(",")]
    seed = Meeting.objects.get(headquarters=hq, fiscal_year=2021, number=4)
    copier = packet_bench()
    builds: dict[int, dict] = {}
    targets: dict[int, dict] = {}
    for scale in scales:
        meeting = seed if scale == 1 else copier.packet_copy(seed, scale)
        cold, again = [], []
        for run in range(args.runs):
            reset_cold(meeting)
            try:
                label = f"{scale}x-run{run + 1}"
                print(f"{label}: cold 第1版 ...", flush=True)
                cold.append(
                    timed_build(
                        meeting,
                        by=secretariat,
                        note="",
                        args=args,
                        label=f"{label}-cold",
                    )
                )
                print(f"  {cold[-1]['total']:.1f} s", flush=True)
                change_one_text(meeting, run)
                print(f"{label}: 差し替え ...", flush=True)
                again.append(
                    timed_build(
                        meeting,
                        by=secretariat,
                        note="ベンチマーク",
                        args=args,
                        label=f"{label}-rebuild",
                    )
                )
                print(f"  {again[-1]['total']:.1f} s", flush=True)
            finally:
                restore_aside()
        builds[scale] = {
            "cold": cold,
            "rebuild": again,
            "materials": meeting.materials.count(),
        }
        first = cold[-1]["edition"]
        first.refresh_from_db()
        from meetings.packet import snapshot

        targets[scale] = {
            "url": f"/meetings/{meeting.pk}/editions/{first.number}/packet.pdf",
            "data": snapshot.read(first.file_name),
        }
        (OUT / f"edition-{scale}x.pdf").write_bytes(targets[scale]["data"])

    print("downloads ...", flush=True)
    fetched = downloads(targets, args)
    report(builds, fetched, args)
    print("load average at end: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))


if __name__ == "__main__":
    try:
        main()
    finally:
        stop_all()
