"""The restricted URL fetcher: the packet reads only static/ and media/ files."""

import http.server
import io
import threading

import pytest
from pypdf import PdfReader

from meetings import packet, sections
from meetings.models import Material
from meetings.packet import engine
from tests import factories

SECRET = "LEAKED-SECRET-TEXT"
PROBE_KIND = "tests.probe"


@pytest.fixture
def http_probe():
    """A local HTTP server that counts the requests it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = f"body::after {{ content: '{SECRET}-HTTP' }}".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


@pytest.fixture
def secret_css(tmp_path, settings):
    """A stylesheet outside static/ and media/ that would print SECRET."""
    path = tmp_path / "secret.css"
    path.write_text(f"body::before {{ content: '{SECRET}-FILE' }}")
    return path


@pytest.fixture
def probe_section(http_probe, secret_css, settings):
    base, _hits = http_probe
    media_depth = "../" * (len(settings.MEDIA_ROOT.parts) + 2)
    probes = [
        f'<link rel="stylesheet" href="file://{secret_css}">',
        f'<link rel="stylesheet" href="{base}/style.css">',
        f'<link rel="stylesheet" href="https://127.0.0.1:{base.rsplit(":", 1)[1]}/s.css">',
        f'<link rel="stylesheet" href="{media_depth}{str(secret_css).lstrip("/")}">',
        f'<link rel="stylesheet" href="/static/../../../../../..{secret_css}">',
        f'<link rel="stylesheet" href="/media/%2e%2e/%2e%2e/%2e%2e{secret_css}">',
        f'<style>@import url("file://{secret_css}"); @import url("{base}/import.css");</style>',
        '<img src="file:///etc/passwd" alt="">',
        f'<img src="{base}/image.png" alt="">',
        '<img src="../../../../../../etc/passwd" alt="">',
        f'<div style="background: url({base}/background.png)">本文</div>',
        '<img src="data:image/svg+xml,%3Csvg%3E%3C/svg%3E" alt="">',
    ]

    @sections.register(PROBE_KIND, "探り")
    def render(material, *, request=None):
        from django.utils.safestring import mark_safe

        return mark_safe("".join(probes))  # noqa: S308 - the probe is the test

    yield
    del sections.registry[PROBE_KIND]


@pytest.mark.django_db
def test_probes_in_a_section_leak_nothing_and_request_nothing(
    probe_section, http_probe, caplog
):
    _base, hits = http_probe
    meeting = factories.make_meeting()
    factories.make_material(
        meeting=meeting, title="探りの資料", content="section", section_kind=PROBE_KIND
    )
    result = packet.build_packet(meeting)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(result.pdf)).pages)
    assert "探りの資料" in text
    assert SECRET not in text
    assert "root:" not in text
    assert hits == []
    # WeasyPrint did ask for them, and the fetcher refused each one.
    assert "探りの資料: refused" in caplog.text


@pytest.mark.django_db
def test_text_material_cannot_even_name_an_image(http_probe):
    base, hits = http_probe
    meeting = factories.make_meeting()
    material = factories.make_material(
        meeting=meeting,
        text=f'本文<img src="file:///etc/passwd"><img src="{base}/x.png">'
        '<img src="../../etc/passwd">',
    )
    html, _landscape = packet.material_html(_numbered(material), draft=False)
    assert "<img" not in html
    packet.build_packet(meeting)
    assert hits == []


def _numbered(material: Material) -> Material:
    material.label = "資料1"
    material.number = 1
    return material


ROOTS = {"static": ["/srv/app/static"], "media": ["/srv/app/media"]}


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:8000/admin/",
        "https://example.com/static/css/print.css",
        "https://packet.invalid/etc/passwd",
        "https://packet.invalid/static/../../etc/passwd",
        "https://packet.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://packet.invalid/static/..%2f..%2fetc/passwd",
        "https://packet.invalid/media/a/..%5c..%5cetc/passwd",
        "https://packet.invalid:8443/static/css/print.css",
        "https://user@packet.invalid/static/css/print.css",
        "https://packet.invalid/static/css/print.css?x=1",
        "https://packet.invalid/private/secret.txt",
        "data:text/css,body{}",
        "ftp://packet.invalid/static/x",
    ],
)
def test_fetcher_refuses_anything_but_static_and_media_files(url):
    fetcher = engine.RestrictedFetcher(ROOTS)
    assert fetcher.resolve(url) is None
    with pytest.raises(engine.RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_the_print_stylesheet_and_font():
    fetcher = engine.RestrictedFetcher(packet.roots())
    css = fetcher.fetch("https://packet.invalid/static/css/print.css")
    assert css.content_type == "text/css"
    assert b"@font-face" in css.read()
    font = fetcher.fetch("https://packet.invalid/static/fonts/BIZUDPGothic-Regular.ttf")
    assert len(font.read()) > 1_000_000


def test_fetcher_does_not_follow_a_symlink_out_of_its_root(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    outside = tmp_path / "outside.css"
    outside.write_text("body {}")
    (root / "link.css").symlink_to(outside)
    fetcher = engine.RestrictedFetcher({"static": [str(root)]})
    assert fetcher.resolve("https://packet.invalid/static/link.css") is None
