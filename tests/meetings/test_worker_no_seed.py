"""The worker that builds editions, as production runs it: `manage.py
run_worker` in a process of its own, on the database backend of django-tasks.

A worker is killed in the middle of a build (SIGKILL, no chance to tidy up):
none of its render processes outlives it, the edition is not half-written, and
the next worker resumes from the parts already rendered.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from meetings import editions, services
from meetings.models import Edition, PacketPart
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(settings.BASE_DIR)


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker(tmp_path, *args, stale_seconds: int = 120) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SECRET_KEY": "test-only-not-secret",
        "ONECHAMBER_EDITIONS_ROOT": str(tmp_path / "editions"),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "ONECHAMBER_EDITION_STALE_SECONDS": str(stale_seconds),
        "ONECHAMBER_PACKET_WORKERS": "2",
    }
    env.pop("DJANGO_DEBUG", None)
    return subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "run_worker", "--interval", "0.2", *args],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own session: every process it starts is in it
    )


def processes_in_session(sid: int) -> list[int]:
    """The live processes of session `sid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, session = fields[0], int(fields[3])
        if session == sid and state != "Z":
            found.append(int(entry.name))
    return found


def wait_for(predicate, *, timeout: float, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    return predicate()


@pytest.fixture
def long_meeting(settings):
    """A meeting whose packet has enough parts to kill its build half-way."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    meeting = factories.make_meeting(published=False)
    paragraph = "連携推進項目の取り組み状況を報告します。" * 40
    for n in range(1, 25):
        factories.make_material(
            meeting=meeting,
            title=f"資料の表題{n}",
            order=n,
            text="\n\n".join(f"{paragraph}（{n}-{k}）" for k in range(12)),
        )
    return meeting


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_worker_leaves_no_process_and_the_next_one_resumes(
    tmp_path, long_meeting
):
    services.publish_meeting(meeting=long_meeting, by=None)
    edition = Edition.objects.get(meeting=long_meeting, number=1)
    assert edition.state == Edition.State.QUEUED  # queued, not built here

    first = worker(tmp_path)
    try:
        started = wait_for(
            lambda: Edition.objects.filter(
                pk=edition.pk, progress_done__gte=4, state="building"
            ).exists(),
            timeout=120,
        )
        assert started, first.stdout.read1().decode() if first.stdout else ""
        alive = processes_in_session(first.pid)
        # The worker, the forkserver and the two render processes.
        assert len(alive) >= 4
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    # The kernel ends the render processes with their parent.
    # Within seconds; a loaded machine (CI) may take longer to schedule them.
    left = wait_for(lambda: not processes_in_session(first.pid), timeout=45)
    assert left, [
        Path(f"/proc/{pid}/cmdline").read_bytes()[:120]
        for pid in processes_in_session(first.pid)
    ]

    edition.refresh_from_db()
    assert edition.state == Edition.State.BUILDING  # not ready, not half-served
    assert edition.file_name == "" and edition.sha256 == ""
    assert editions.current_edition(long_meeting) is None
    done_before = edition.rendered_count
    assert 4 <= done_before < edition.progress_total
    # Each part rendered so far is kept: the point the next worker resumes from.
    kept = PacketPart.objects.filter(key__in=edition.parts.values("key"))
    assert kept.count() == done_before

    # The next worker takes the stalled build up again and finishes it.
    second = worker(tmp_path, "--batch", stale_seconds=0)
    try:
        output, _ = second.communicate(timeout=300)
    finally:
        if second.poll() is None:
            os.killpg(second.pid, signal.SIGKILL)
    assert second.returncode == 0, output.decode()
    assert "中断していた作成を再開します" in output.decode()
    edition.refresh_from_db()
    assert edition.state == Edition.State.READY, edition.error
    # Every part rendered once: the first worker's parts were not rendered again.
    distinct_parts = edition.parts.values("key").distinct().count()
    assert edition.rendered_count == distinct_parts == edition.progress_total
    assert edition.page_count >= 3 + 24
    # Its render processes end with it (a loaded machine takes a moment).
    assert wait_for(lambda: not processes_in_session(second.pid), timeout=45), [
        Path(f"/proc/{pid}/cmdline").read_bytes()[:120]
        for pid in processes_in_session(second.pid)
    ]
