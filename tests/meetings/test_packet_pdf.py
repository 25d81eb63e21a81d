"""The PDF engine on its own: checks on uploads, merging, numbering, stamping."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader, PdfWriter

from meetings.packet import engine
from tests.factories import make_corrupt_pdf_bytes, make_pdf_bytes

BASE_DIR = Path(__file__).resolve().parents[2]
STATIC = BASE_DIR / "static"
ROOTS = {"static": [str(STATIC)]}


def test_read_pdf_accepts_a_good_file():
    assert len(engine.read_pdf(make_pdf_bytes(pages=3)).pages) == 3


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"GIF89a", "not_pdf"),
        (b"", "not_pdf"),
        (make_corrupt_pdf_bytes(), "corrupt"),
        (make_pdf_bytes(pages=1)[:-300], "corrupt"),
    ],
)
def test_read_pdf_names_what_is_wrong(data, code):
    with pytest.raises(engine.UnreadablePdf) as error:
        engine.read_pdf(data)
    assert error.value.code == code


def test_read_pdf_refuses_too_many_pages():
    with pytest.raises(engine.UnreadablePdf) as error:
        engine.read_pdf(make_pdf_bytes(pages=4), max_pages=3)
    assert (error.value.code, error.value.detail) == ("too_many_pages", "4")


def test_assemble_numbers_pages_and_outlines_pieces():
    data, count = engine.assemble(
        [
            engine.Piece(pdf=make_pdf_bytes(pages=2, text="ALPHA"), title="最初"),
            engine.Piece(pdf=make_pdf_bytes(pages=3, text="BETA"), title="次"),
        ],
        title="会議の資料",
        roots=ROOTS,
    )
    reader = PdfReader(io.BytesIO(data))
    assert count == len(reader.pages) == 5
    texts = [p.extract_text() for p in reader.pages]
    assert texts == [
        "ALPHA 1\n- 1 -",
        "ALPHA 2\n- 2 -",
        "BETA 1\n- 3 -",
        "BETA 2\n- 4 -",
        "BETA 3\n- 5 -",
    ]
    assert [
        (o.title, reader.get_destination_page_number(o)) for o in reader.outline
    ] == [
        ("最初", 0),
        ("次", 2),
    ]
    assert reader.metadata.title == "会議の資料"
    assert reader.root_object["/Lang"] == "ja"
    assert reader.page_mode == "/UseOutlines"


def test_page_number_is_centred_at_the_foot_of_landscape_pages():
    data, _count = engine.assemble(
        [engine.Piece(pdf=make_pdf_bytes(pages=1, size=(842, 595)))],
        title="横",
        roots=ROOTS,
    )
    page = PdfReader(io.BytesIO(data)).pages[0]
    positions = []
    page.extract_text(
        visitor_text=lambda text, cm, tm, font, size: (
            positions.append((text, tm[4:])) if "-" in text else None
        )
    )
    (text, (x, y)), *_ = positions
    font = TTFont(STATIC / "fonts" / "BIZUDPGothic-Regular.ttf", lazy=True)
    cmap = font.getBestCmap()
    advance = sum(font["hmtx"][cmap[ord(c)]][0] for c in "- 1 -")
    width = advance / font["head"].unitsPerEm * 9
    assert text == "- 1 -"
    # The PDF gives advances in whole 1/1000 em: centred to a tenth of a point.
    assert (x, y) == (pytest.approx((842 - width) / 2, abs=0.1), pytest.approx(22.7))


def test_page_numbers_are_set_in_an_embedded_subset_of_the_bundled_font():
    data, _count = engine.assemble(
        [engine.Piece(pdf=make_pdf_bytes(pages=1))], title="番号", roots=ROOTS
    )
    page = PdfReader(io.BytesIO(data)).pages[0]
    font = page["/Resources"]["/Font"][engine.PAGE_NUMBER_FONT].get_object()
    assert font["/Subtype"] == "/TrueType"
    prefix, family = str(font["/BaseFont"]).split("+")
    assert (len(prefix), prefix[1:].isupper(), family) == (7, True, "BIZ-UDPGothic")
    subset = TTFont(io.BytesIO(font["/FontDescriptor"]["/FontFile2"].get_data()))
    assert set(subset.getBestCmap()) == {ord(c) for c in " -0123456789"}


def test_rotated_upload_page_is_stamped_upright():
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf_bytes(pages=1)))
    writer.pages[0].rotation = 90
    out = io.BytesIO()
    writer.write(out)
    rotated = out.getvalue()
    page = engine.read_pdf(rotated).pages[0]
    assert engine.page_size(page) == (842, 595)
    overlay = make_pdf_bytes(pages=1, text="STAMP", size=(842, 595))
    stamped = engine.stamp_pages(rotated, {(842.0, 595.0): overlay})
    result = PdfReader(io.BytesIO(stamped.pdf)).pages[0]
    assert result.rotation == 0
    assert (round(result.mediabox.width), round(result.mediabox.height)) == (842, 595)
    text = result.extract_text()
    assert "UPLOADED PAGE 1" in text and "STAMP 1" in text


def test_several_parts_render_in_the_process_pool(monkeypatch):
    monkeypatch.setenv("ONECHAMBER_PACKET_WORKERS", "2")
    documents = [
        '<html lang="ja"><body>' + f"<p>第{n}部</p>" * n + "</body></html>"
        for n in (1, 2, 3)
    ]
    results = engine.render_many(documents, ROOTS)
    assert engine._pool is not None
    assert [r.page_count for r in results] == [1, 1, 1]
    texts = [PdfReader(io.BytesIO(r.pdf)).pages[0].extract_text() for r in results]
    assert texts == ["第1部", "第2部\n第2部", "第3部\n第3部\n第3部"]


def test_engine_imports_alone_without_django(tmp_path):
    """A render worker imports the engine alone: no settings, no models."""
    script = (
        "import json, sys\n"
        "import meetings.packet.engine\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('django', 'onechamber') or m.startswith('meetings.') "
        "and m not in ('meetings.packet', 'meetings.packet.engine', "
        "'meetings.packet.pdfcheck', 'meetings.packet.fonts', "
        "'meetings.packet.structure'))))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["PYTHONPATH"] = str(BASE_DIR)
    result = subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(result.stdout.splitlines()[-1]) == []
