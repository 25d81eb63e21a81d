"""Hostile uploaded PDFs: refused within bounded time and memory, or stored
without their active content; uploads are served by the checking view only."""

import io
import logging
import time
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    EncodedStreamObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from meetings import packet
from meetings.models import Material
from meetings.packet import engine
from tests import factories
from tests.meetings.test_admin import _material_post
from tests.meetings.test_packet import page_texts

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def _write(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _deflated_spaces(mb: int) -> bytes:
    """`mb` megabytes of spaces (a valid, empty content stream), deflated to
    about a thousandth of that, without holding them all at once."""
    deflater = zlib.compressobj(9)
    chunk = b" " * MB
    return b"".join(deflater.compress(chunk) for _ in range(mb)) + deflater.flush()


def _bomb(*, pages: int, mb: int) -> bytes:
    """A PDF whose every page has a content stream inflating to `mb` MB."""
    writer = PdfWriter()
    raw = _deflated_spaces(mb)
    for _ in range(pages):
        page = writer.add_blank_page(width=595, height=842)
        stream = EncodedStreamObject()
        stream._data = raw
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        page[NameObject("/Contents")] = writer._add_object(stream)
    return _write(writer)


def _nested_forms(depth: int) -> bytes:
    """One page drawing a Form XObject that draws one... `depth` deep."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    inner = None
    for _ in range(depth):
        form = DecodedStreamObject()
        form.set_data(b"/Fx Do" if inner else b"0 0 m 10 10 l S")
        form[NameObject("/Type")] = NameObject("/XObject")
        form[NameObject("/Subtype")] = NameObject("/Form")
        form[NameObject("/BBox")] = ArrayObject(
            [NumberObject(0), NumberObject(0), NumberObject(10), NumberObject(10)]
        )
        if inner is not None:
            form[NameObject("/Resources")] = _xobjects(inner)
        inner = writer._add_object(form)
    contents = DecodedStreamObject()
    contents.set_data(b"/Fx Do")
    page[NameObject("/Contents")] = writer._add_object(contents)
    page[NameObject("/Resources")] = _xobjects(inner)
    return _write(writer)


def _xobjects(form) -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Fx"): form})}
    )


def _nested_array(depth: int) -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    array = ArrayObject([NumberObject(1)])
    for _ in range(depth):
        array = ArrayObject([array])
    page[NameObject("/PieceInfo")] = array
    return _write(writer)


def _action(kind: str, **entries: str) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = TextStringObject(value)
    return action


def _link(writer: PdfWriter, page, action: DictionaryObject) -> None:
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject(
                [
                    NumberObject(72),
                    NumberObject(72),
                    NumberObject(200),
                    NumberObject(90),
                ]
            ),
            NameObject("/A"): action,
        }
    )
    annots = page.get("/Annots")
    if annots is None:
        page[NameObject("/Annots")] = ArrayObject()
    page["/Annots"].append(writer._add_object(annotation))


def _hostile(kind: str) -> bytes:
    """make_pdf_bytes' two pages with one kind of active content added."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(factories.make_pdf_bytes())))
    page = writer.pages[0]
    if kind == "open_action_js":
        writer._root_object[NameObject("/OpenAction")] = _action(
            "/JavaScript", JS="app.alert('open')"
        )
    elif kind == "js_name_tree":
        writer.add_open_action(JavaScript("app.alert('names')"))
    elif kind == "page_aa":
        page[NameObject("/AA")] = DictionaryObject(
            {NameObject("/O"): _action("/JavaScript", JS="app.alert('page')")}
        )
    elif kind == "link_uri":
        _link(writer, page, _action("/URI", URI="https://evil.example/"))
    elif kind == "link_launch":
        _link(writer, page, _action("/Launch", F="calc.exe"))
    elif kind == "link_js":
        _link(writer, page, _action("/JavaScript", JS="app.alert('link')"))
    elif kind == "submit_form":
        _link(writer, page, _action("/SubmitForm", F="https://evil.example/"))
    elif kind == "embedded_file":
        writer.add_attachment("payload.exe", b"MZ not really")
    elif kind == "attachment_annotation":
        embedded = EncodedStreamObject()
        embedded._data = b"MZ not really"
        embedded[NameObject("/Type")] = NameObject("/EmbeddedFile")
        spec = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Filespec"),
                NameObject("/F"): TextStringObject("payload.exe"),
                NameObject("/EF"): DictionaryObject(
                    {NameObject("/F"): writer._add_object(embedded)}
                ),
            }
        )
        page[NameObject("/Annots")] = ArrayObject(
            [
                writer._add_object(
                    DictionaryObject(
                        {
                            NameObject("/Type"): NameObject("/Annot"),
                            NameObject("/Subtype"): NameObject("/FileAttachment"),
                            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
                            NameObject("/FS"): spec,
                        }
                    )
                )
            ]
        )
    return _write(writer)


def _upload(client, user, data: bytes):
    meeting = factories.make_meeting()
    client.force_login(user)
    upload = SimpleUploadedFile("a.pdf", data, content_type="application/pdf")
    response = client.post(
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        _material_post(meeting, **{"materials-0-file": upload}),
    )
    return meeting, response


REFUSED = [
    ("bomb_200mb_one_page", lambda: _bomb(pages=1, mb=200), "（ページ1）"),
    ("bomb_20_pages_of_60mb", lambda: _bomb(pages=20, mb=60), "（ページ1）"),
    ("bomb_10_pages_of_30mb", lambda: _bomb(pages=10, mb=30), "全体で200 MB"),
    ("forms_nested_50_deep", lambda: _nested_forms(50), "入れ子が深すぎます"),
    ("array_nested_50_deep", lambda: _nested_array(50), "入れ子が深すぎます"),
]


@pytest.mark.parametrize(
    ("name", "make", "message"), REFUSED, ids=[case[0] for case in REFUSED]
)
def test_hostile_pdf_is_refused_with_a_message_and_saves_nothing(
    client, secretariat_user, name, make, message
):
    _meeting, response = _upload(client, secretariat_user, make())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Material.objects.count() == 0


def test_decompression_bomb_message_names_the_page(client, secretariat_user):
    _meeting, response = _upload(client, secretariat_user, _bomb(pages=1, mb=200))
    assert (
        "展開すると大きすぎるPDFです（ページ1）。1ページ50 MBまでにしてください。"
        in response.content.decode()
    )


def test_too_many_pages_is_refused_by_the_setting(client, secretariat_user, settings):
    settings.PDF_MAX_PAGES = 3
    _meeting, response = _upload(
        client, secretariat_user, factories.make_pdf_bytes(pages=4)
    )
    assert (
        "ページが多すぎます（4ページ）。3ページまでにしてください。"
        in response.content.decode()
    )
    assert Material.objects.count() == 0


def test_a_smaller_setting_refuses_what_the_default_accepts(
    client, secretariat_user, settings
):
    settings.PDF_MAX_PAGE_DECOMPRESSED_MB = 1
    data = _bomb(pages=1, mb=2)
    assert engine.check_pdf_isolated(data, engine.PdfLimits())[1] == []
    _meeting, response = _upload(client, secretariat_user, data)
    assert "1ページ1 MBまで" in response.content.decode()


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: _bomb(pages=1, mb=200), "too_big_page"),
        (lambda: _bomb(pages=20, mb=60), "too_big_page"),
        (lambda: _bomb(pages=10, mb=30), "too_big"),
        (lambda: _nested_forms(50), "too_deep"),
    ],
)
def test_bomb_check_in_the_child_is_refused_not_a_crash(make, code, caplog):
    data = make()
    caplog.set_level(logging.DEBUG, logger="meetings.packet.pdfcheck")
    started = time.monotonic()
    with pytest.raises(engine.UnreadablePdf) as refused:
        engine.check_pdf_isolated(data, engine.PdfLimits(), memory_mb=512)
    elapsed = time.monotonic() - started
    assert refused.value.code == code
    # Times and the child's memory are reported, not asserted (machines vary).
    print(f"{code}: {len(data)} bytes refused in {elapsed:.3f} s; {caplog.text}")


def _hex_page(mb: int) -> bytes:
    """A PDF whose one content stream is `mb` MB of ASCIIHex (spaces)."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    stream = EncodedStreamObject()
    stream._data = b"20" * (mb * MB // 2) + b">"
    stream[NameObject("/Filter")] = NameObject("/ASCIIHexDecode")
    page[NameObject("/Contents")] = writer._add_object(stream)
    return _write(writer)


def test_child_out_of_memory_is_a_refusal():
    data = _hex_page(30)
    assert engine.check_pdf_isolated(data, engine.PdfLimits())[1] == []
    # The child itself takes about 60 MB of address space: 100 MB cannot
    # hold this file a few times over.
    with pytest.raises(engine.UnreadablePdf) as refused:
        engine.check_pdf_isolated(data, engine.PdfLimits(), memory_mb=100)
    assert refused.value.code == "check_failed"


def test_child_out_of_time_is_a_refusal():
    with pytest.raises(engine.UnreadablePdf) as refused:
        engine.check_pdf_isolated(
            _bomb(pages=1, mb=40), engine.PdfLimits(), timeout=0.01
        )
    assert refused.value.code == "too_slow"


def test_child_refusals_reach_the_admin_in_japanese(
    client, secretariat_user, monkeypatch
):
    monkeypatch.setattr("meetings.forms.PDF_CHECK_MEMORY_MB", 80)
    _meeting, response = _upload(client, secretariat_user, _hex_page(15))
    assert "PDFの確認が決められたメモリの中で終わりませんでした" in (
        response.content.decode()
    )
    assert Material.objects.count() == 0


def test_a_normal_pdf_is_checked_quickly_and_kept_byte_for_byte():
    data = factories.make_pdf_bytes(pages=5)
    started = time.monotonic()
    checked, removed = engine.check_pdf_isolated(data, engine.PdfLimits())
    elapsed = time.monotonic() - started
    assert (checked, removed) == (data, [])
    print(f"normal 5-page PDF checked in {elapsed:.3f} s")


ACTIVE = [
    ("open_action_js", b"/JavaScript", "document /OpenAction /JavaScript"),
    ("js_name_tree", b"/JavaScript", "document /Names /JavaScript"),
    ("page_aa", b"/JavaScript", "page 1 /AA"),
    ("link_uri", b"/URI", "page 1 /Link annotation /URI"),
    ("link_launch", b"/Launch", "page 1 /Link annotation /Launch"),
    ("link_js", b"/JavaScript", "page 1 /Link annotation /JavaScript"),
    ("submit_form", b"/SubmitForm", "page 1 /Link annotation /SubmitForm"),
    ("embedded_file", b"/EmbeddedFile", "document /Names /EmbeddedFiles"),
    (
        "attachment_annotation",
        b"/EmbeddedFile",
        "page 1 /FileAttachment annotation",
    ),
]


@pytest.mark.parametrize(("kind", "marker", "removed"), ACTIVE)
def test_sanitize_pdf_removes_active_content(kind, marker, removed):
    data = _hostile(kind)
    assert marker in data
    clean, what = engine.sanitize_pdf(data)
    assert what == [removed]
    assert marker not in clean
    assert len(engine.read_pdf(clean).pages) == 2


@pytest.mark.parametrize(("kind", "marker", "removed"), ACTIVE)
def test_uploaded_active_content_is_removed_before_storing(
    client, secretariat_user, kind, marker, removed, caplog
):
    meeting, response = _upload(client, secretariat_user, _hostile(kind))
    assert response.status_code == 302
    material = Material.objects.get(meeting=meeting)
    with material.file.open("rb") as f:
        stored = f.read()
    for active in (b"/JavaScript", b"/URI", b"/Launch", b"/EmbeddedFile"):
        assert active not in stored
    assert material.file.name.endswith(".pdf")
    assert removed in caplog.text
    assert len(engine.read_pdf(stored).pages) == 2


def test_sanitised_upload_prints_in_the_packet(client, secretariat_user):
    meeting, _response = _upload(client, secretariat_user, _hostile("link_uri"))
    texts = page_texts(packet.build_packet(meeting).pdf)
    assert any("UPLOADED PAGE 1" in text for text in texts)
    assert any("UPLOADED PAGE 2" in text for text in texts)


def test_a_link_to_a_page_of_the_same_file_is_kept():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(factories.make_pdf_bytes())))
    goto = DictionaryObject(
        {
            NameObject("/S"): NameObject("/GoTo"),
            NameObject("/D"): ArrayObject(
                [writer.pages[1].indirect_reference, NameObject("/Fit")]
            ),
        }
    )
    _link(writer, writer.pages[0], goto)
    data = _write(writer)
    assert engine.sanitize_pdf(data) == (data, [])


def _material_with_file(meeting) -> Material:
    return factories.make_material(
        meeting=meeting,
        content="pdf",
        text="",
        file=ContentFile(factories.make_pdf_bytes(), name="a.pdf"),
    )


@pytest.mark.parametrize("role", ["secretariat", "department", "viewer", None])
def test_uploads_are_not_served_from_media(client, role):
    material = _material_with_file(factories.make_meeting())
    if role is not None:
        client.force_login(factories.make_user(role=role, username=role))
    assert material.file.name.startswith("materials/")
    assert client.get(f"/media/{material.file.name}").status_code == 404


def test_material_file_is_a_private_download(client, secretariat_user):
    meeting = factories.make_meeting()
    _material_with_file(meeting)
    client.force_login(secretariat_user)
    response = client.get(reverse("meetings:material_file", args=[meeting.pk, 1]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
