"""Benchmark of the packet PDF (run by hand, never in tests).

    DJANGO_SECRET_KEY=x .venv/bin/python bench/packet.py [--runs 5] [--scales 1,10]

Builds the seed meeting's packet in a database of its own (SQLite under
bench/out/, or DATABASE_URL) and prints, each the median of --runs runs in this
one process: the cold full build (empty cache), the rebuild after one material
changed, the cached download through Django's test client, and headless
Chromium's print of the same HTML (Debian's /usr/bin/chromium, started once,
timed per document) as the yardstick; page count, PDF size, peak memory; and
the same with the materials copied ten times.

Section kinds that no installed app registers (workitems, vaccination in a
checkout without them) are stood in for by the matching pages of the seed
document (../shared/seed/, --seed-text), as tables and paragraphs, so that the
packet has its real length; the output says which kinds were stand-ins.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "bench" / "out"
sys.path.insert(0, str(BASE_DIR))

# Lines of the seed document that each generated section prints.
SEED_SECTIONS = {
    "workitems.fy_report": ("令和3年度連携推進項目の取り組み状況", 87, 391, True),
    "workitems.fy_plan": ("令和4年度の協議事項", 392, 454, False),
    "workitems.schedule": ("年間スケジュール", 455, 470, True),
    "vaccination.booster": ("追加接種の前倒し", 471, 636, False),
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--downloads", type=int, default=20)
    parser.add_argument("--scales", default="1,10")
    parser.add_argument(
        "--seed-text",
        default=str(BASE_DIR.parent / "shared" / "seed" / "onetoyama-r3-4-packet.txt"),
    )
    parser.add_argument("--no-chromium", action="store_true")
    return parser.parse_args()


def setup_django() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / "bench.sqlite3"
    if "DATABASE_URL" not in os.environ:
        db.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onechamber.settings")
    os.environ.setdefault("DJANGO_MEDIA_ROOT", str(OUT / "media"))
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Templates as in production (no debug), static files uncollected.
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_seed", stdout=open(os.devnull, "w"))  # noqa: SIM115


def seed_html(lines: list[str]) -> str:
    """Lines of the seed text as HTML: tab-separated runs become tables."""
    out: list[str] = []
    table: list[list[str]] = []
    items: list[str] = []

    def flush():
        if table:
            width = max(len(r) for r in table)
            head = "".join(f"<th>{html.escape(c)}</th>" for c in table[0])
            body = "".join(
                "<tr>"
                + "".join(f"<td>{html.escape(c)}</td>" for c in row)
                + "<td></td>" * (width - len(row))
                + "</tr>"
                for row in table[1:]
            )
            out.append(
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            )
            table.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for line in lines:
        text = line.rstrip("\n")
        if "\t" in text:
            if items:
                flush()
            table.append(text.split("\t"))
            continue
        flush()
        stripped = text.strip()
        if not stripped:
            continue
        if re.match(r"^\s*- ", text):
            items.append(html.escape(stripped[2:]))
        else:
            out.append(f"<p>{html.escape(stripped)}</p>")
    flush()
    return "".join(out)


def register_stand_ins(seed_text: Path) -> list[str]:
    from django.utils.safestring import mark_safe

    from meetings import sections

    if not seed_text.exists():
        return []
    lines = seed_text.read_text(encoding="utf-8").splitlines()
    registered = []
    for key, (label, first, last, landscape) in SEED_SECTIONS.items():
        if key in sections.registry:
            continue
        fragment = seed_html(lines[first - 1 : last])

        def render(material, *, request=None, _fragment=fragment):
            return mark_safe(_fragment)  # noqa: S308 - escaped by seed_html

        sections.register(key, f"（ベンチ用）{label}", landscape=landscape)(render)
        registered.append(key)
    return registered


def copy_materials(meeting, copies: int) -> None:
    """Ten times the content: each material copied after the originals."""
    from meetings.models import Material

    originals = list(meeting.materials.order_by("series", "order"))
    last = {
        s: max(m.order for m in originals if m.series == s)
        for s in ("main", "reference")
    }
    for n in range(1, copies):
        for m in originals:
            Material.objects.create(
                meeting=meeting,
                series=m.series,
                order=last[m.series] + n * 100 + m.order,
                title=f"{m.title}（写し{n}）",
                department=m.department,
                content=m.content,
                section_kind=m.section_kind,
                text=m.text,
                file=m.file,
            )


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def worker_peaks() -> list[int]:
    """Peak resident memory (KiB) of the render pool's live worker processes."""
    from meetings.packet import engine as pdf

    peaks = []
    pool = pdf._pool
    for pid in list(getattr(pool, "_processes", {}) or {}):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peaks.append(int(match.group(1)))
    return peaks


def chromium_html(meeting) -> str:
    """The packet's parts as one HTML document, fonts by file:// URL, for Chromium."""
    from meetings import packet

    parts = packet.packet_parts(
        meeting, draft=packet.is_draft(meeting), assets=packet.asset_version()
    )
    css = (BASE_DIR / "static" / "css" / "print.css").read_text(encoding="utf-8")
    css = css.replace("../fonts/", (BASE_DIR / "static" / "fonts").as_uri() + "/")
    bodies = []
    for part in parts:
        source = part.html
        if not source:  # an uploaded PDF: Chromium would not print it either
            continue
        body = source.split("<body", 1)[1].split(">", 1)[1].rsplit("</body>", 1)[0]
        bodies.append(f'<section style="break-before: page">{body}</section>')
    return (
        '<!doctype html><html lang="ja"><head><meta charset="utf-8">'
        f"<style>{css}</style></head><body>{''.join(bodies)}</body></html>"
    )


def time_chromium(
    documents: dict[int, str], runs: int
) -> dict[int, tuple[float, int, int]]:
    """Median seconds, pages and bytes of Chromium's print, per scale."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        page = browser.new_page()
        with tempfile.TemporaryDirectory() as tmp:
            for scale, doc in documents.items():
                path = Path(tmp) / f"packet-{scale}.html"
                path.write_text(doc, encoding="utf-8")
                samples = []
                data = b""
                for _ in range(runs + 1):  # the first one warms up
                    started = time.perf_counter()
                    page.goto(path.as_uri(), wait_until="load")
                    data = page.pdf(prefer_css_page_size=True, print_background=True)
                    samples.append(time.perf_counter() - started)
                out = OUT / f"chromium-{scale}x.pdf"
                out.write_bytes(data)
                pages = len(PdfReader(out).pages)
                results[scale] = (statistics.median(samples[1:]), pages, len(data))
        browser.close()
    return results


def _have_playwright() -> bool:
    import importlib.util

    return importlib.util.find_spec("playwright") is not None


def radicals(data: bytes) -> tuple[int, int]:
    """Kangxi-radical look-alikes (⽇ for 日) in the text, and all CJK ideographs."""
    import io

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    bad = sum(1 for c in text if "\u2f00" <= c <= "\u2fdf" or "\u2e80" <= c <= "\u2eff")
    kanji = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    return bad, kanji


def main() -> None:
    args = parse_args()
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from meetings import packet
    from meetings.models import Headquarters, Meeting, PacketPart, UserProfile
    from meetings.packet import engine as pdf
    from meetings.reports import number_materials
    from onechamber.roles import sync_groups

    stand_ins = register_stand_ins(Path(args.seed_text))
    groups = sync_groups()
    user = get_user_model().objects.create_user("bench")
    user.groups.set([groups["secretariat"]])
    hq = Headquarters.objects.get(name="「ワンチームとやま」連携推進本部")
    UserProfile.objects.create(user=user, headquarters=hq)
    client = Client()
    client.force_login(user)

    print(
        f"WeasyPrint {pdf.WEASYPRINT_VERSION}, {pdf.worker_count()} render process(es)"
    )
    print(f"stand-in sections: {', '.join(stand_ins) or 'none'}")
    scales = [int(s) for s in args.scales.split(",")]
    seed = Meeting.objects.get(headquarters=hq, fiscal_year=2021, number=4)
    rows = {}
    chromium_docs = {}
    for scale in scales:
        meeting = seed if scale == 1 else packet_copy(seed, scale)
        url = f"/meetings/{meeting.pk}/packet.pdf"

        # Warm the process (pool start, templates, fonts) before measuring.
        PacketPart.objects.all().delete()
        packet.build_packet(meeting)

        cold = []
        result = None
        for _ in range(args.runs):
            PacketPart.objects.all().delete()
            started = time.perf_counter()
            result = packet.build_packet(meeting)
            cold.append(time.perf_counter() - started)
        (OUT / f"packet-{scale}x.pdf").write_bytes(result.pdf)

        edited = next(
            m for m in number_materials(meeting.materials.all()) if m.content == "text"
        )
        rebuild = []
        rendered = []
        for run in range(args.runs):
            edited.text += f"\n\n追記{run}：ベンチマークによる変更。"
            edited.save()
            started = time.perf_counter()
            again = packet.build_packet(meeting)
            rebuild.append(time.perf_counter() - started)
            rendered.append(len(again.rendered))

        downloads = []
        for _ in range(args.downloads + 1):
            started = time.perf_counter()
            # secure: outside debug the portal redirects plain HTTP to HTTPS.
            response = client.get(url, secure=True)
            body = (
                b"".join(response.streaming_content)
                if response.streaming
                else response.content
            )
            downloads.append(time.perf_counter() - started)
        if not (response.status_code == 200 and body == again.pdf):
            # The portal serves a meeting's packet from its edition, which a
            # worker builds (bench/editions.py measures those downloads).
            downloads = [float("nan")] * 2

        bad, kanji = radicals(again.pdf)
        rows[scale] = {
            "pages": again.page_count,
            "bytes": len(again.pdf),
            "cold": median_ms(cold),
            "rebuild": median_ms(rebuild),
            "rendered": max(rendered),
            "download": median_ms(downloads[1:]),
            "radicals": (bad, kanji),
            "parts": len(result.rendered),
        }
        chromium_docs[scale] = chromium_html(meeting)

    main_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = worker_peaks()

    chromium = {}
    if not args.no_chromium and not _have_playwright():
        print(
            "Chromium's print not measured: it is driven by playwright, which"
            " `make install-test` installs (the test extras); `make run`'s"
            " environment has the packet alone."
        )
    elif not args.no_chromium and Path("/usr/bin/chromium").exists():
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        chromium = time_chromium(chromium_docs, args.runs)
        for scale in scales:
            data = (OUT / f"chromium-{scale}x.pdf").read_bytes()
            rows[scale]["chromium_radicals"] = radicals(data)

    print()
    for scale, row in rows.items():
        pages = row["pages"]
        print(
            f"== {scale}x content: {pages} pages, {row['bytes'] / 1024:.0f} KiB, "
            f"{row['parts']} parts"
        )
        print(
            f"  cold full build         {row['cold']:8.0f} ms  "
            f"({row['cold'] / pages:.0f} ms/page)"
        )
        print(
            f"  rebuild after 1 change  {row['rebuild']:8.0f} ms  "
            f"({row['rendered']} part rendered)"
        )
        print(f"  cached download         {row['download']:8.1f} ms  (test client)")
        bad, kanji = row["radicals"]
        print(f"  radical look-alikes     {bad} of {kanji} kanji in extracted text")
        if scale in chromium:
            seconds, c_pages, c_bytes = chromium[scale]
            ms = seconds * 1000
            print(
                f"  Chromium print          {ms:8.0f} ms  ({c_pages} pages, "
                f"{c_bytes / 1024:.0f} KiB, {ms / c_pages:.0f} ms/page)"
            )
            c_bad, c_kanji = row["chromium_radicals"]
            print(f"  Chromium look-alikes    {c_bad} of {c_kanji} kanji")
            print(
                f"  ratios: cold/Chromium {row['cold'] / ms:.2f}, "
                f"rebuild/Chromium {row['rebuild'] / ms:.2f}, "
                f"size/Chromium {row['bytes'] / c_bytes:.2f}"
            )
    print()
    print(
        f"peak memory: this process {main_peak / 1024:.0f} MiB; render workers "
        + (", ".join(f"{p / 1024:.0f} MiB" for p in workers) or "none")
    )
    if len(rows) > 1:
        first, last = rows[scales[0]], rows[scales[-1]]
        print(
            f"growth {scales[0]}x -> {scales[-1]}x: pages x{last['pages'] / first['pages']:.1f}, "
            f"cold build x{last['cold'] / first['cold']:.1f}, "
            f"rebuild x{last['rebuild'] / first['rebuild']:.1f}"
        )
    pdf.shutdown_pool()


def packet_copy(seed, scale: int):
    """A copy of the seed meeting with its materials `scale` times over."""
    import datetime as dt

    from meetings import services

    copy = services.copy_meeting(
        meeting=seed, new_date=dt.date(2022, 3, 1 + scale % 28), number=90 + scale
    ).meeting
    copy.published = True
    copy.save()
    copy_materials(copy, scale)
    return copy


if __name__ == "__main__":
    main()
