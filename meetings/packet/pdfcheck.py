"""Checks and sanitising of uploaded PDFs, within bounded time and memory.

``check_pdf`` refuses a PDF that would cost the packet builder too much: too
many pages, content streams and images that inflate past a limit per page or
in all, objects or Form XObjects nested too deep. It counts inflated bytes in
chunks (``zlib.decompressobj`` with ``max_length``), so a decompression bomb
is found after reading a little more than the limit, never inflated whole.
``sanitize_pdf`` removes what a viewer would run or open: actions other than
going to a page of the same file, JavaScript, embedded files and XFA.
``check_pdf_isolated`` runs both in a child process with a memory and CPU
limit and a timeout, so that a file that defeats the checks costs a refusal,
not the web process.

This module imports pypdf and the standard library only: it is the child's
whole program (``python pdfcheck.py``), which then starts in a fifth of a
second, where importing the rest of the engine (WeasyPrint) takes a second.
``meetings.packet.engine`` re-exports it.
"""

from __future__ import annotations

import io
import json
import logging
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.filters import ASCII85Decode, ASCIIHexDecode, LZWDecode, RunLengthDecode
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

logger = logging.getLogger(__name__)

MB = 1024 * 1024
# Inflated bytes are counted this many at a time: the most a check holds of
# one stream, whatever the stream inflates to.
CHUNK = 256 * 1024


class UnreadablePdf(Exception):
    """An uploaded file that cannot go into the packet, and why (a code)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class PdfLimits:
    max_pages: int = 500
    max_decompressed_mb: int = 200
    max_page_decompressed_mb: int = 50
    max_depth: int = 12


# Keys that point back up or across the document (to the page tree, another
# page, an outline): not part of what a page draws.
_NOT_DRAWN = frozenset(
    {"/Parent", "/P", "/Dest", "/D", "/A", "/AA", "/PA", "/Next", "/Prev"}
    | {"/First", "/Last", "/B", "/Popup", "/IRT", "/StructParent", "/Thumb"}
)
_FLATE = frozenset({"/FlateDecode", "/Fl"})
# Whole-buffer filters whose output is bounded by pypdf's configured limits
# (set below) or is smaller than their input.
_WHOLE = {
    "/ASCIIHexDecode": ASCIIHexDecode,
    "/AHx": ASCIIHexDecode,
    "/ASCII85Decode": ASCII85Decode,
    "/A85": ASCII85Decode,
    "/LZWDecode": LZWDecode,
    "/LZW": LZWDecode,
    "/RunLengthDecode": RunLengthDecode,
    "/RL": RunLengthDecode,
}


def _get(obj: DictionaryObject, key: str, default=None):
    """obj[key] resolved, or `default` (pypdf's .get returns references)."""
    value = dict.get(obj, key, default)
    return value.get_object() if isinstance(value, IndirectObject) else value


def _pypdf_limits(limits: PdfLimits):
    """pypdf's own limits, no larger than ours, for what it decodes itself."""
    page = limits.max_page_decompressed_mb * MB + 1
    return apply_configuration(
        zlib_maximum_output_length=page,
        lzw_maximum_output_length=page,
        run_length_maximum_output_length=page,
        array_based_stream_maximum_output_length=page,
        maximum_declared_stream_length=page,
        stream_decoding_work_maximum_length=page,
        page_tree_maximum_depth=max(limits.max_depth, 8),
        outline_maximum_depth=max(limits.max_depth, 8),
        form_fields_maximum_depth=max(limits.max_depth, 8),
    )


def _inflate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """zlib data inflated CHUNK bytes at a time; a broken tail ends it (pypdf
    reads such streams as far as they go, too)."""
    inflater = zlib.decompressobj()
    try:
        for data in chunks:
            while data and not inflater.eof:
                out = inflater.decompress(data, CHUNK)
                data = inflater.unconsumed_tail
                if out:
                    yield out
            if inflater.eof:
                return
        if tail := inflater.flush():
            yield tail
    except zlib.error:
        return


def _bounded_join(chunks: Iterable[bytes], budget: int) -> bytes | None:
    parts, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > budget:
            return None
        parts.append(chunk)
    return b"".join(parts)


def _filters(stream: StreamObject) -> list[str]:
    names = _get(stream, "/Filter")
    if names is None:
        return []
    if isinstance(names, ArrayObject):
        return [str(name) for name in names]
    return [str(names)]


def decoded_size(stream: StreamObject, budget: int) -> int:
    """How many bytes `stream` decodes to, or some number past `budget` once
    that is certain. Image codecs (DCT, JPX, CCITT, JBIG2) are not decoded:
    the server copies images as they are, so their encoded bytes count."""
    chunks: Iterable[bytes] = [stream._data]
    for name in _filters(stream):
        if name in _FLATE:
            chunks = _inflate(chunks)
        elif name in _WHOLE:
            data = _bounded_join(chunks, budget)
            if data is None:
                return budget + 1
            chunks = [_WHOLE[name].decode(data)]
        else:
            break
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > budget:
            return size
    return size


class _Budget:
    def __init__(self, limits: PdfLimits):
        self.limits = limits
        self.total = 0
        self.sizes: dict[tuple[int, int], int] = {}

    def stream(self, key, stream: StreamObject, page_used: int, number: int) -> int:
        page_left = self.limits.max_page_decompressed_mb * MB - page_used
        total_left = self.limits.max_decompressed_mb * MB - self.total
        if key in self.sizes:
            size = self.sizes[key]
        else:
            size = decoded_size(stream, max(0, min(page_left, total_left)))
            if key is not None:
                self.sizes[key] = size
        if size > page_left:
            raise UnreadablePdf("too_big_page", str(number))
        if size > total_left:
            raise UnreadablePdf("too_big", str(number))
        self.total += size
        return size


def _check_page(page: DictionaryObject, number: int, budget: _Budget) -> None:
    """Walk what page `number` draws (contents, resources, annotation
    appearances), adding up decoded bytes and measuring nesting."""
    max_depth = budget.limits.max_depth
    used = 0
    # A content array may name one stream many times: each time is decoded.
    contents = _get(page, "/Contents")
    if isinstance(contents, ArrayObject):
        entries = list.__iter__(contents)
    else:
        entries = [dict.get(page, "/Contents")] if contents is not None else []
    for entry in entries:
        key = (
            (entry.idnum, entry.generation)
            if isinstance(entry, IndirectObject)
            else None
        )
        stream = entry.get_object() if entry is not None else None
        if isinstance(stream, StreamObject):
            used += budget.stream(key, stream, used, number)
    seen: set[tuple[int, int]] = set()
    # (object, direct nesting, Form XObjects above it)
    stack: list[tuple[object, int, int]] = [
        (value, 1, 0)
        for name, value in dict.items(page)
        if name not in _NOT_DRAWN and name != "/Contents"
    ]
    while stack:
        obj, depth, forms = stack.pop()
        key = None
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
            depth = 0
        if isinstance(obj, StreamObject):
            used += budget.stream(key, obj, used, number)
            if _get(obj, "/Subtype") == "/Form":
                forms += 1
                if forms > max_depth:
                    raise UnreadablePdf("too_deep", str(number))
        if isinstance(obj, DictionaryObject):
            depth += 1
            if depth > max_depth:
                raise UnreadablePdf("too_deep", str(number))
            stack.extend(
                (value, depth, forms)
                for name, value in dict.items(obj)
                if name not in _NOT_DRAWN
            )
        elif isinstance(obj, ArrayObject):
            depth += 1
            if depth > max_depth:
                raise UnreadablePdf("too_deep", str(number))
            stack.extend((value, depth, forms) for value in list.__iter__(obj))


def open_pdf(data: bytes, *, max_pages: int) -> PdfReader:
    """A parsed PDF: not encrypted, with 1 to `max_pages` pages (pypdf's own
    errors on a broken file pass through to the caller)."""
    if not data.startswith(b"%PDF-"):
        raise UnreadablePdf("not_pdf")
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise UnreadablePdf("encrypted")
    count = len(reader.pages)
    if count == 0:
        raise UnreadablePdf("empty")
    if count > max_pages:
        raise UnreadablePdf("too_many_pages", str(count))
    return reader


def check_pdf(data: bytes, limits: PdfLimits) -> None:
    """Refuse (UnreadablePdf) a PDF the packet cannot print or that would cost
    it too much: codes not_pdf, encrypted, empty, too_many_pages, bad_page,
    too_big_page, too_big, too_deep, corrupt."""
    try:
        with _pypdf_limits(limits):
            reader = open_pdf(data, max_pages=limits.max_pages)
            budget = _Budget(limits)
            for number, page in enumerate(reader.pages, start=1):
                box = page.cropbox
                if not (0 < box.width < 15000 and 0 < box.height < 15000):
                    raise UnreadablePdf("bad_page")
                _ = page.rotation
                _check_page(page, number, budget)
    except UnreadablePdf:
        raise
    except LimitReachedError as exc:
        raise UnreadablePdf("too_big", "") from exc
    except RecursionError as exc:  # pypdf parses nested objects recursively
        raise UnreadablePdf("too_deep", "") from exc
    except MemoryError:
        raise
    except Exception as exc:  # pypdf raises many kinds on broken files
        raise UnreadablePdf("corrupt", exc.__class__.__name__) from exc


# The one action kept: going to a page of the same document.
_SAFE_ACTIONS = frozenset({"/GoTo"})
# Annotations that play, open or attach something: removed whole.
_ACTIVE_ANNOTATIONS = frozenset(
    {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"}
)


def _unsafe_action(action) -> str | None:
    """The kind (/JavaScript, /URI, ...) of an action that is not a plain
    go-to-page, following its /Next chain; None if it is safe."""
    seen = set()
    pending = [action]
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
        item = item.get_object() if item is not None else None
        if isinstance(item, ArrayObject):
            pending.extend(list.__iter__(item))
        elif isinstance(item, DictionaryObject):
            kind = str(_get(item, "/S", ""))
            if kind not in _SAFE_ACTIONS:
                return kind or "/?"
            if "/Next" in item:
                pending.append(dict.get(item, "/Next"))
    return None


def _strip_actions(obj: DictionaryObject, where: str, removed: list[str]) -> None:
    if "/AA" in obj:
        del obj["/AA"]
        removed.append(f"{where} /AA")
    if "/A" in obj and (kind := _unsafe_action(dict.get(obj, "/A"))):
        del obj["/A"]
        removed.append(f"{where} /A {kind}")


def _sanitize_annotations(page, number: int, removed: list[str]) -> None:
    annots = _get(page, "/Annots")
    if not isinstance(annots, ArrayObject):
        return
    kept = ArrayObject()
    for ref in list.__iter__(annots):
        annot = ref.get_object()
        if not isinstance(annot, DictionaryObject):
            continue
        subtype = str(_get(annot, "/Subtype", ""))
        where = f"page {number} {subtype} annotation"
        if subtype in _ACTIVE_ANNOTATIONS:
            removed.append(where)
            continue
        if subtype == "/Link" and (kind := _unsafe_action(dict.get(annot, "/A"))):
            removed.append(f"{where} {kind}")
            continue
        _strip_actions(annot, where, removed)
        kept.append(ref)
    page[NameObject("/Annots")] = kept


def _sanitize_fields(acroform: DictionaryObject, removed: list[str]) -> None:
    seen = set()
    pending = list(list.__iter__(_get(acroform, "/Fields", ArrayObject())))
    while pending:
        ref = pending.pop()
        if isinstance(ref, IndirectObject):
            if ref.idnum in seen:
                continue
            seen.add(ref.idnum)
        field = ref.get_object()
        if not isinstance(field, DictionaryObject):
            continue
        _strip_actions(field, "form field", removed)
        kids = _get(field, "/Kids")
        if isinstance(kids, ArrayObject):
            pending.extend(list.__iter__(kids))


def _sanitize_outline(root: DictionaryObject, removed: list[str]) -> None:
    outlines = _get(root, "/Outlines")
    if not isinstance(outlines, DictionaryObject):
        return
    seen = set()
    pending = [dict.get(outlines, "/First")]
    while pending:
        ref = pending.pop()
        if not isinstance(ref, IndirectObject) or ref.idnum in seen:
            continue
        seen.add(ref.idnum)
        item = ref.get_object()
        if not isinstance(item, DictionaryObject):
            continue
        if "/A" in item and (kind := _unsafe_action(dict.get(item, "/A"))):
            del item["/A"]
            removed.append(f"outline item /A {kind}")
        pending.extend(dict.get(item, key) for key in ("/First", "/Next"))


def _drop_unreachable(writer: PdfWriter) -> None:
    """Forget the objects the catalogue and info no longer reach: a clone
    copies every object, and what was removed would be written out still."""
    objects = writer._objects
    reached: set[int] = set()
    pending: list = [writer._root_object]
    if writer._info is not None:
        pending.append(writer._info)
    while pending:
        obj = pending.pop()
        if isinstance(obj, IndirectObject):
            if obj.idnum in reached or not 0 < obj.idnum <= len(objects):
                continue
            reached.add(obj.idnum)
            obj = objects[obj.idnum - 1]
        if isinstance(obj, DictionaryObject):
            pending.extend(dict.values(obj))
        elif isinstance(obj, ArrayObject):
            pending.extend(list.__iter__(obj))
    for reference in (writer._root_object, writer._info):
        if reference is not None and reference.indirect_reference is not None:
            reached.add(reference.indirect_reference.idnum)
    for index in range(len(objects)):
        if index + 1 not in reached:
            objects[index] = None


def sanitize_pdf(data: bytes) -> tuple[bytes, list[str]]:
    """The PDF without what a viewer would run or open, and what was removed.

    Removed: document and page /AA, /OpenAction other than going to a page,
    the /JavaScript and /EmbeddedFiles name trees, XFA, link annotations
    whose action is not going to a page of this file (/URI, /Launch,
    /JavaScript, /SubmitForm, /ImportData, /GoToR...), such actions on other
    annotations, form fields and outline items, and file attachment, sound,
    movie, screen, rich media and 3D annotations. A PDF with none of these
    comes back as it was, byte for byte.
    """
    # Edited on the clone: the reader's pages are copies of its objects.
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    root = writer._root_object
    removed: list[str] = []
    if "/AA" in root:
        del root["/AA"]
        removed.append("document /AA")
    if "/OpenAction" in root:
        action = root["/OpenAction"]
        if isinstance(action, DictionaryObject) and (kind := _unsafe_action(action)):
            del root["/OpenAction"]
            removed.append(f"document /OpenAction {kind}")
    if "/URI" in root:
        del root["/URI"]
        removed.append("document /URI")
    names = _get(root, "/Names")
    if isinstance(names, DictionaryObject):
        for tree in ("/JavaScript", "/EmbeddedFiles"):
            if tree in names:
                del names[tree]
                removed.append(f"document /Names {tree}")
    acroform = _get(root, "/AcroForm")
    if isinstance(acroform, DictionaryObject):
        if "/XFA" in acroform:
            del acroform["/XFA"]
            removed.append("form /XFA")
        _sanitize_fields(acroform, removed)
    _sanitize_outline(root, removed)
    for number, page in enumerate(writer.pages, start=1):
        _strip_actions(page, f"page {number}", removed)
        _sanitize_annotations(page, number, removed)
    if not removed:
        return data, []
    _drop_unreachable(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), removed


def check_and_sanitize(data: bytes, limits: PdfLimits) -> tuple[bytes, list[str]]:
    """check_pdf, then sanitize_pdf, in this process."""
    check_pdf(data, limits)
    try:
        with _pypdf_limits(limits):
            return sanitize_pdf(data)
    except MemoryError:
        raise
    except Exception as exc:
        raise UnreadablePdf("corrupt", exc.__class__.__name__) from exc


def check_pdf_isolated(
    data: bytes, limits: PdfLimits, *, timeout: float = 20, memory_mb: int = 1024
) -> tuple[bytes, list[str]]:
    """check_and_sanitize in a child process limited to `memory_mb` of address
    space and `timeout` seconds: the sanitised PDF and what was removed.

    Raises UnreadablePdf as check_pdf does, or with too_slow (the time was up)
    or check_failed (the child ran out of memory or died).
    """
    command = [
        sys.executable,
        "-I",
        str(Path(__file__).resolve()),
        json.dumps(asdict(limits)),
        str(memory_mb),
        str(int(timeout) + 1),
    ]
    started = time.monotonic()
    try:
        done = subprocess.run(  # noqa: S603 (our own script, no shell)
            command, input=data, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise UnreadablePdf("too_slow", str(timeout)) from exc
    header, _, body = done.stdout.partition(b"\n")
    try:
        answer = json.loads(header)
    except ValueError:
        answer = None
    if done.returncode != 0 or not isinstance(answer, dict):
        if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            raise UnreadablePdf("too_slow", str(timeout))
        raise UnreadablePdf("check_failed", f"exit {done.returncode}")
    logger.debug(
        "checked a PDF of %d bytes in %.3f s, child peak RSS %d KiB: %s",
        len(data),
        time.monotonic() - started,
        answer.get("peak_kb", 0),
        answer.get("refused", "accepted"),
    )
    if "refused" in answer:
        raise UnreadablePdf(answer["refused"], answer.get("detail", ""))
    return body, answer["removed"]


def _peak_memory_kb() -> int:
    """This process's peak resident memory since exec (ru_maxrss would
    include the parent's, from before the fork)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _child(argv: list[str]) -> int:
    import resource

    limits = PdfLimits(**json.loads(argv[0]))
    memory = int(argv[1]) * MB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(argv[2])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    body = b""
    try:
        body, removed = check_and_sanitize(sys.stdin.buffer.read(), limits)
        answer: dict = {"removed": removed}
    except UnreadablePdf as exc:
        answer = {"refused": exc.code, "detail": exc.detail}
    except MemoryError:
        body = b""
        answer = {"refused": "check_failed", "detail": "MemoryError"}
    answer["peak_kb"] = _peak_memory_kb()
    sys.stdout.buffer.write(json.dumps(answer).encode() + b"\n" + body)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
