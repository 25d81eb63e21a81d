"""The PDF engine of the packet: WeasyPrint behind a restricted URL fetcher, a
process pool to render parts on every core, and pypdf to check, stamp and merge.

Nothing here touches Django or the database, so the pool's worker processes
can import this module alone; ``meetings.packet.assembly`` decides what
to render and caches the results.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import io
import logging
import mimetypes
import multiprocessing
import os
import signal
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

# WeasyPrint reports each step at INFO, from its import on: a server log needs
# only its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
# fontTools' subsetter reports every table it touches at INFO.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)
# pikepdf announces its logger bridge at INFO on first use.
logging.getLogger("pikepdf").setLevel(logging.WARNING)

import pikepdf  # noqa: E402
from fontTools import subset  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402
from pypdf import PdfReader, PdfWriter, Transformation  # noqa: E402
from pypdf.generic import (  # noqa: E402
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from weasyprint import CSS, HTML, __version__  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

# Checks and sanitising of uploads live in their own module, which the child
# process that runs them imports alone (see its docstring).
from meetings.packet import fonts, structure  # noqa: E402
from meetings.packet.pdfcheck import (  # noqa: E402, F401
    PdfLimits,
    UnreadablePdf,
    check_and_sanitize,
    check_pdf,
    check_pdf_isolated,
    open_pdf,
    sanitize_pdf,
)

logger = logging.getLogger(__name__)

# Relative URLs in the packet's HTML resolve against this origin, which no
# network knows (.invalid is reserved); the fetcher maps its /static/ and
# /media/ paths to files and refuses everything else.
ORIGIN = "https://packet.invalid/"
Roots = dict[str, list[str]]
WEASYPRINT_VERSION = __version__

# Uploaded PDFs longer than this are refused: a packet prints tens of pages.
MAX_UPLOAD_PAGES = PdfLimits.max_pages


class RefusedURL(ValueError):
    """A resource outside the project's static and media files."""


class RestrictedFetcher(URLFetcher):
    """Serve only files under the given roots, by ``ORIGIN/<root>/<path>`` URLs.

    ``file://``, ``http(s)://`` elsewhere, ``data:`` and paths that leave a root
    (``../``, encoded or not, or through a symlink) are refused before any
    file is opened or any request is made.
    """

    def __init__(self, roots: Roots):
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self.roots = {name: [Path(p) for p in paths] for name, paths in roots.items()}
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        path = self.resolve(url)
        if path is None:
            self.refused.append(url)
            raise RefusedURL(f"refused: {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )

    def resolve(self, url: str) -> Path | None:
        """The file `url` names, or None when it is not one the packet may read."""
        if not url.startswith(ORIGIN):
            return None
        parts = urlsplit(url)
        if parts.query or parts.username or parts.password or parts.port:
            return None
        segments = unquote(parts.path).split("/")[1:]
        if len(segments) < 2 or any(
            s in ("", ".", "..") or "\\" in s for s in segments
        ):
            return None
        return find_file(self.roots, segments[0], "/".join(segments[1:]))


def find_file(roots: Roots | dict, root: str, relative: str) -> Path | None:
    """The first file at `relative` under one of `roots[root]`, never outside it."""
    for base in roots.get(root, ()):
        base = Path(base).resolve()
        candidate = (base / relative).resolve()
        if candidate.is_relative_to(base) and candidate.is_file():
            return candidate
    return None


@dataclass
class Rendered:
    pdf: bytes
    page_count: int
    refused: list[str] = field(default_factory=list)


# The print stylesheet, read from static/ like any other resource.
STYLESHEET = "css/print.css"
_stylesheets: dict[tuple, tuple[CSS, FontConfiguration]] = {}


def print_stylesheet(roots: Roots) -> tuple[CSS, FontConfiguration]:
    """The print stylesheet and its fonts, parsed once per process.

    Parsing the stylesheet and loading its two font files is about half the
    cost of a one-page part; a process keeps them until a file changes.
    """
    path = find_file(roots, "static", STYLESHEET)
    if path is None:
        raise FileNotFoundError(f"static/{STYLESHEET} is missing")
    fonts = sorted((path.parent.parent / "fonts").glob("*.[ot]tf"))
    key = tuple(
        (str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in [path, *fonts]
    ) + (tuple(sorted((k, tuple(v)) for k, v in roots.items())),)
    if key not in _stylesheets:
        _stylesheets.clear()
        font_config = FontConfiguration()
        css = CSS(
            url=f"{ORIGIN}static/{STYLESHEET}",
            url_fetcher=RestrictedFetcher(roots),
            font_config=font_config,
        )
        _stylesheets[key] = (css, font_config)
    return _stylesheets[key]


def render_html(html: str, roots: Roots) -> Rendered:
    """One HTML document as PDF bytes (runs in a pool worker or in-process),
    styled by the print stylesheet."""
    css, font_config = print_stylesheet(roots)
    fetcher = RestrictedFetcher(roots)
    document = HTML(string=html, base_url=ORIGIN, url_fetcher=fetcher).render(
        stylesheets=[css], font_config=font_config
    )
    # Tagged (PDF/UA-1): structure, reading order, header cells, alternative
    # texts; the merge carries each part's tree over (structure.py). An
    # overlay laid on an uploaded page is drawn untagged: that page is an
    # artifact of the packet as a whole.
    variant = None if UNTAGGED in html else "pdf/ua-1"
    pdf = document.write_pdf(pdf_variant=variant)
    return Rendered(pdf=pdf, page_count=len(document.pages), refused=fetcher.refused)


# In a document's HTML: render it without tags (the overlays of uploads).
UNTAGGED = "<!-- onechamber:untagged -->"


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def worker_count() -> int:
    """How many processes render at once: one per core this process may use,
    or ONECHAMBER_PACKET_WORKERS (1 renders in the calling process only)."""
    configured = os.environ.get("ONECHAMBER_PACKET_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def die_with_parent() -> None:
    """Have the kernel kill this process when its parent dies (Linux), so that
    a build killed mid-way leaves no render process behind."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pipe's EOF ends it later
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)
    # The forkserver is this process's parent, and it exits when the server
    # process that started it dies, as soon as no process holds its "alive"
    # pipe open. Every process it starts inherits that pipe's write end (to
    # start processes of its own, which a render process never does): closed
    # here, so the forkserver does see its server die, exits, and this process
    # is killed with it. (multiprocessing keeps the descriptor in a private
    # attribute; without it, a killed server left its whole pool behind.)
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    alive = getattr(server, "_forkserver_alive_fd", None)
    if alive is not None:
        with contextlib.suppress(OSError):
            os.close(alive)
        server._forkserver_alive_fd = None


def _warm(roots: Roots) -> None:
    die_with_parent()
    # Load Pango, fontconfig and the bundled font once per worker.
    render_html('<html lang="ja"><p>資料</p></html>', roots)


def _get_pool(roots: Roots) -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            # forkserver: workers start from a clean process that has imported
            # only this module, never from a copy of a server process with
            # open database connections and threads.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__])
            _pool = ProcessPoolExecutor(
                max_workers=worker_count(),
                mp_context=context,
                initializer=_warm,
                initargs=(roots,),
            )
        return _pool


def shutdown_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None


atexit.register(shutdown_pool)


def _render_safely(html: str, roots: Roots) -> Rendered | None:
    """render_html, or None (logged) when WeasyPrint fails on this document."""
    try:
        return render_html(html, roots)
    except Exception:  # one bad part must not stop the packet
        logger.exception("WeasyPrint could not render a packet part")
        return None


def render_many(documents: Sequence[str], roots: Roots) -> list[Rendered | None]:
    """Render HTML documents, in parallel on every core when there are several.

    A document WeasyPrint fails on comes back as None, for the caller to
    replace; the others are rendered all the same.
    """
    if len(documents) <= 1 or worker_count() == 1:
        return [_render_safely(html, roots) for html in documents]
    # Longest first, so that no core is left with the big one at the end.
    order = sorted(range(len(documents)), key=lambda i: -len(documents[i]))
    try:
        pool = _get_pool(roots)
        futures = {i: pool.submit(_render_safely, documents[i], roots) for i in order}
        return [futures[i].result() for i in range(len(documents))]
    except (BrokenProcessPool, OSError):
        logger.exception("packet render pool failed; rendering in this process")
        shutdown_pool()
        return [_render_safely(html, roots) for html in documents]


def render_each(
    documents: Sequence[str], roots: Roots
) -> Iterator[tuple[int, Rendered | None]]:
    """Render HTML documents on every core, yielding (index, result) as each
    one is done, so that the caller can keep each result at once; None for a
    document WeasyPrint fails on."""
    if len(documents) <= 1 or worker_count() == 1:
        for i, html in enumerate(documents):
            yield i, _render_safely(html, roots)
        return
    order = sorted(range(len(documents)), key=lambda i: -len(documents[i]))
    done: set[int] = set()
    try:
        pool = _get_pool(roots)
        futures = {pool.submit(_render_safely, documents[i], roots): i for i in order}
        for future in as_completed(futures):
            i = futures[future]
            result = future.result()
            done.add(i)
            yield i, result
    except (BrokenProcessPool, OSError):
        logger.exception("packet render pool failed; rendering in this process")
        shutdown_pool()
        for i in order:
            if i not in done:
                yield i, _render_safely(documents[i], roots)


def merge(pdfs: Sequence[bytes]) -> tuple[bytes, int]:
    """PDFs one after the other, unnumbered: the pages of one packet item."""
    writer = PdfWriter()
    for data in pdfs:
        writer.append(PdfReader(io.BytesIO(data)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def read_pdf(data: bytes, *, max_pages: int = MAX_UPLOAD_PAGES) -> PdfReader:
    """A parsed, unencrypted PDF whose every page has a box and readable content.

    Raises UnreadablePdf with code not_pdf, encrypted, empty, too_many_pages,
    bad_page or corrupt.
    """
    try:
        reader = open_pdf(data, max_pages=max_pages)
        for page in reader.pages:
            box = page.cropbox
            if not (0 < box.width < 15000 and 0 < box.height < 15000):
                raise UnreadablePdf("bad_page")
            _ = page.rotation
            page.get_contents()  # decodes the content streams
    except UnreadablePdf:
        raise
    except Exception as exc:  # pypdf raises many kinds on broken files
        raise UnreadablePdf("corrupt", exc.__class__.__name__) from exc
    return reader


def page_size(page) -> tuple[float, float]:
    """Width and height of a page as seen, in points, rotation applied."""
    box = page.cropbox
    width, height = float(box.width), float(box.height)
    return (height, width) if page.rotation % 180 else (width, height)


# An uploaded page is printed smaller, inside the packet's margins for its
# label and number: the label (print.css: bottom-aligned in the 18 mm top
# margin) and the page number (baseline 8 mm above the foot) then sit on
# white paper and never on the document's own text, whatever it prints in
# its corners. Points.
MM = 72 / 25.4
UPLOAD_TOP_BAND = 20 * MM
UPLOAD_BOTTOM_BAND = 13 * MM


def upload_placement(size: tuple[float, float]) -> tuple[float, float, float]:
    """(scale, x, y) of an uploaded page of `size` on its packet page of the
    same size: as large as fits between the bands, centred across."""
    width, height = size
    scale = (height - UPLOAD_TOP_BAND - UPLOAD_BOTTOM_BAND) / height
    return scale, (width - width * scale) / 2, UPLOAD_BOTTOM_BAND


def stamp_pages(data: bytes, overlays: dict[tuple[float, float], bytes]) -> Rendered:
    """Each page of the PDF `data`, made smaller onto a page of its size
    (`upload_placement`), under the overlay made for that size."""
    reader = read_pdf(data)
    overlay_pages = {
        size: PdfReader(io.BytesIO(pdf)).pages[0] for size, pdf in overlays.items()
    }
    # The upload's pages, in a writer of their own: a page's rotation can be
    # moved into its content only there.
    sources = PdfWriter(clone_from=reader)
    writer = PdfWriter()
    for source in sources.pages:
        size = page_size(source)
        if source.rotation:
            source.transfer_rotation_to_content()
        box = source.cropbox
        scale, x, y = upload_placement(size)
        page = writer.add_blank_page(width=size[0], height=size[1])
        page.merge_transformed_page(
            source,
            Transformation()
            .translate(-float(box.left), -float(box.bottom))
            .scale(scale)
            .translate(x, y),
        )
        page.merge_page(overlay_pages[rounded(size)])
    out = io.BytesIO()
    writer.write(out)
    return Rendered(pdf=out.getvalue(), page_count=len(reader.pages))


def rounded(size: tuple[float, float]) -> tuple[float, float]:
    return (round(size[0], 1), round(size[1], 1))


# Page numbers are drawn in the bundled font, like every other text of the
# packet: a subset of its regular face holding the digits, the dash and the
# space, embedded once per document as a simple TrueType font.
PAGE_NUMBER_FONT_FILE = "fonts/BIZUDPGothic-Regular.ttf"
PAGE_NUMBER_CHARS = " -0123456789"
PAGE_NUMBER_FONT = NameObject("/OCPageNo")
PAGE_NUMBER_SIZE = 9
# Baseline of the number above the foot of the page (points; 8 mm).
PAGE_NUMBER_BASELINE = 22.7


@dataclass(frozen=True)
class NumberFont:
    """The subset font file and what a PDF font dictionary says about it."""

    name: str  # the subset's PostScript name, ABCDEF+Family
    data: bytes
    widths: dict[str, int]  # advance of each character, in 1/1000 em
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int

    def width(self, text: str, size: float) -> float:
        return sum(self.widths[c] for c in text) * size / 1000


_number_fonts: dict[tuple[str, int, int], NumberFont] = {}


def number_font(roots: Roots) -> NumberFont:
    """The page-number subset of the bundled font, made once per process."""
    path = find_file(roots, "static", PAGE_NUMBER_FONT_FILE)
    if path is None:
        raise FileNotFoundError(f"static/{PAGE_NUMBER_FONT_FILE} is missing")
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _number_fonts:
        _number_fonts.clear()
        _number_fonts[key] = _subset_number_font(path)
    return _number_fonts[key]


def _subset_number_font(path: Path) -> NumberFont:
    font = TTFont(path, lazy=True)
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    widths = {
        c: round(font["hmtx"][cmap[ord(c)]][0] * scale) for c in PAGE_NUMBER_CHARS
    }
    head, hhea = font["head"], font["hhea"]
    bbox = tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax))
    ascent, descent = round(hhea.ascent * scale), round(hhea.descent * scale)
    cap_height = round(getattr(font["OS/2"], "sCapHeight", hhea.ascent) * scale)
    family = font["name"].getDebugName(1) or path.stem
    options = subset.Options()
    options.layout_features = []
    options.layout_closure = False
    options.hinting = False
    options.name_IDs = []
    options.notdef_outline = True
    options.drop_tables += ["DSIG", "GSUB", "GPOS", "GDEF", "vhea", "vmtx", "VORG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=PAGE_NUMBER_CHARS)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    data = out.getvalue()
    # The subset tag: six capitals, the same for the same font file.
    digest = hashlib.sha256(data).digest()
    tag = "".join(chr(ord("A") + b % 26) for b in digest[:6])
    return NumberFont(
        name=f"{tag}+{family.replace(' ', '-')}",
        data=data,
        widths=widths,
        bbox=bbox,
        ascent=ascent,
        descent=descent,
        cap_height=cap_height,
    )


def _add_number_font(writer: PdfWriter, font: NumberFont):
    """A simple TrueType font dictionary for `font`, WinAnsi-encoded."""
    plain = DecodedStreamObject()
    plain.set_data(font.data)
    file = plain.flate_encode()
    file[NameObject("/Length1")] = NumberObject(len(font.data))
    descriptor = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/FontDescriptor"),
            NameObject("/FontName"): NameObject(f"/{font.name}"),
            # Nonsymbolic: codes map to glyphs through the encoding's names.
            NameObject("/Flags"): NumberObject(32),
            NameObject("/FontBBox"): ArrayObject([NumberObject(v) for v in font.bbox]),
            NameObject("/ItalicAngle"): NumberObject(0),
            NameObject("/Ascent"): NumberObject(font.ascent),
            NameObject("/Descent"): NumberObject(font.descent),
            NameObject("/CapHeight"): NumberObject(font.cap_height),
            NameObject("/StemV"): NumberObject(80),
            NameObject("/FontFile2"): writer._add_object(file),
        }
    )
    codes = [ord(c) for c in font.widths]
    first, last = min(codes), max(codes)
    widths = [font.widths.get(chr(code), 0) for code in range(first, last + 1)]
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/TrueType"),
                NameObject("/BaseFont"): NameObject(f"/{font.name}"),
                NameObject("/FirstChar"): NumberObject(first),
                NameObject("/LastChar"): NumberObject(last),
                NameObject("/Widths"): ArrayObject([NumberObject(w) for w in widths]),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                NameObject("/FontDescriptor"): writer._add_object(descriptor),
            }
        )
    )


def page_number_text(number: int) -> str:
    return f"- {number} -"


def _literal(text: str) -> str:
    """`text` as a literal string for ``Tj`` in the WinAnsi number font."""
    return f"({text})"


def _stamp_page_number(
    writer: PdfWriter, page, number: int, font: NumberFont, font_ref, encode=_literal
) -> None:
    text = page_number_text(number)
    box = page.cropbox
    width = font.width(text, PAGE_NUMBER_SIZE)
    x = float(box.left) + (float(box.width) - width) / 2
    y = float(box.bottom) + PAGE_NUMBER_BASELINE
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    fonts = resources.get("/Font")
    fonts = fonts.get_object() if fonts is not None else DictionaryObject()
    fonts[PAGE_NUMBER_FONT] = font_ref
    resources[NameObject("/Font")] = fonts
    page[NameObject("/Resources")] = resources
    structure.wrap_contents(
        writer,
        page,
        b"q\n",
        (
            # A pagination artifact: not content a screen reader reads out.
            f"\nQ\nq /Artifact <</Type /Pagination>> BDC 0 g BT "
            f"{PAGE_NUMBER_FONT} {PAGE_NUMBER_SIZE} Tf "
            f"{x:.2f} {y:.2f} Td {encode(text)} Tj ET EMC Q\n"
        ).encode("ascii"),
    )


@dataclass
class Piece:
    """One rendered piece of an assembled document, with its outline entry;
    `key` names immutable content, so that its parsed form can be reused."""

    pdf: bytes
    title: str = ""
    key: str = ""


# Parsing a part is most of the cost of merging: a process keeps the parsed
# parts it merged last (up to this many bytes of PDF), so that a rebuild after
# one change parses only the changed part.
READER_CACHE_BYTES = 48 * 1024 * 1024
_readers: OrderedDict[str, tuple[PdfReader, int]] = OrderedDict()
_readers_lock = threading.Lock()
_merge_lock = threading.Lock()


def _reader(piece: Piece) -> PdfReader:
    if not piece.key:
        return PdfReader(io.BytesIO(piece.pdf))
    with _readers_lock:
        if piece.key in _readers:
            _readers.move_to_end(piece.key)
            return _readers[piece.key][0]
    reader = PdfReader(io.BytesIO(piece.pdf))
    with _readers_lock:
        _readers[piece.key] = (reader, len(piece.pdf))
        total = sum(size for _r, size in _readers.values())
        while total > READER_CACHE_BYTES and len(_readers) > 1:
            _key, (_old, size) = _readers.popitem(last=False)
            total -= size
    return reader


def assemble(
    pieces: Sequence[Piece],
    *,
    title: str,
    roots: Roots,
    lang: str = "ja",
    author: str = "",
) -> tuple[bytes, int]:
    """Merge pieces in order; number every page at its foot; outline; metadata.

    The page numbers are set in the bundled font found under `roots`.
    """
    font = number_font(roots)
    writer = PdfWriter()
    outline = []
    # Cached readers share their input stream: one merge at a time reads them.
    tree = structure.Structure(writer)
    with _merge_lock:
        for piece in pieces:
            reader = _reader(piece)
            first = len(writer.pages)
            added = [writer.add_page(source) for source in reader.pages]
            tree.add_part(reader, added)
            if piece.title:
                outline.append((piece.title, first))
    # One embedded copy of each face, not one per part; the page numbers are
    # drawn in the shared regular face where the document has it.
    face = font.name.split("+", 1)[1]
    shared = fonts.share_fonts(
        writer,
        [str(Path(base) / "fonts") for base in roots.get("static", ())],
        also={face: PAGE_NUMBER_CHARS},
    ).get(face)
    if shared is not None:
        font_ref, encode = shared.ref, shared.encode
    else:
        font_ref, encode = _add_number_font(writer, font), _literal
    for number, page in enumerate(writer.pages, start=1):
        _stamp_page_number(writer, page, number, font, font_ref, encode)
    for entry, first in outline:
        writer.add_outline_item(title=entry, page_number=first)
    metadata = {"/Title": title, "/Creator": "onechamber"}
    if author:
        metadata["/Author"] = author
    writer.add_metadata(metadata)
    writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
    tree.finish(title=title, lang=lang)
    writer.page_mode = "/UseOutlines"
    writer.create_viewer_preferences().display_doctitle = True
    out = io.BytesIO()
    writer.write(out)
    return compact(out.getvalue()), len(writer.pages)


def compact(data: bytes) -> bytes:
    """`data` written again with its small objects packed into compressed
    object streams (qpdf, through pikepdf): a tagged packet holds thousands
    of structure elements, which pypdf writes one by one, uncompressed."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(
            out,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
        )
    return out.getvalue()
