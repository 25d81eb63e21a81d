"""One embedded copy of each face in a merged packet.

Each part of a packet is rendered on its own (so that a rebuild renders only
what changed), and WeasyPrint embeds in each the subset of the bundled font
that part uses: merged, the packet held 17 copies of each face. WeasyPrint
subsets keeping the font's glyph ids (a CID in the text is the glyph id of
the full font) and names a font by a tag drawn from the font's description,
the same in every part. So the fonts of the merged document that share a
name are one font: `share_fonts` makes one subset of the bundled file holding
every glyph any of them uses (HarfBuzz's subsetter, through uharfbuzz, in
milliseconds), one descriptor, one width array and one ToUnicode map, and
points every page at that font. Fonts not made that way (an uploaded PDF's,
a font found on no root) are left as they are.

Like engine.py this module needs no Django.
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

import uharfbuzz as hb
from fontTools.ttLib import TTFont
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)

# Tables WeasyPrint drops from its subsets (weasyprint/pdf/fonts.py).
DROPPED_TABLES = (
    "BASE",
    "DSIG",
    "EBDT",
    "EBLC",
    "EBSC",
    "GPOS",
    "GSUB",
    "JSTF",
    "LTSH",
    "PCLT",
    "SVG ",
)
_SUBSET = re.compile(r"^/?([A-Z]{6})\+(.+)$")
_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


@dataclass
class Face:
    """The fonts of the merged document that are one face of one file."""

    name: str  # after the subset tag: BIZ-UDPGothic
    fonts: list[IndirectObject] = field(default_factory=list)
    # Where each is used: (resources' /Font dictionary, resource name).
    uses: list[tuple[DictionaryObject, NameObject]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    to_unicode: dict[int, bytes] = field(default_factory=dict)


_files: dict[tuple[str, ...], dict[str, Path]] = {}


def font_files(folders: list[str]) -> dict[str, Path]:
    """The font files of `folders` by each name WeasyPrint may give their
    face (full name and PostScript name, spaces as hyphens)."""
    key = tuple(folders)
    if key not in _files:
        found: dict[str, Path] = {}
        for folder in folders:
            for path in sorted(Path(folder).glob("*.[ot]tf")):
                try:
                    names = TTFont(path, lazy=True)["name"]
                except Exception:  # noqa: S112 - not a font we can read: not ours
                    continue
                for name_id in (4, 6):
                    record = names.getDebugName(name_id)
                    if record:
                        found.setdefault(record.replace(" ", "-"), path)
        _files[key] = found
    return _files[key]


@dataclass(frozen=True)
class SharedFont:
    """A face's one font in the merged document, and the two-byte code
    (its glyph id) of each character it was asked to hold besides."""

    ref: IndirectObject
    codes: dict[str, int]

    def encode(self, text: str) -> str:
        """`text` as a hexadecimal string for ``Tj`` in this font."""
        return "<" + "".join(f"{self.codes[c]:04x}" for c in text) + ">"


def share_fonts(
    writer: PdfWriter, folders: list[str], also: dict[str, str] | None = None
) -> dict[str, SharedFont]:
    """Give every face of `writer` one embedded subset (see the module),
    holding too the characters `also` names for its face (the page
    numbers, drawn after); each such face's font."""
    also = also or {}
    faces = _faces(writer)
    files = font_files(folders)
    shared: dict[str, SharedFont] = {}
    for face in faces.values():
        path = files.get(face.name)
        extra = also.get(face.name, "")
        if path is None or (len(face.fonts) < 2 and not extra):
            continue
        codes = _add_characters(face, path, extra)
        font = _one_font(writer, face, path)
        for resources, name in face.uses:
            resources[name] = font
        for old in face.fonts:
            _drop(writer, old)
        shared[face.name] = SharedFont(ref=font, codes=codes)
    return shared


_metrics: dict[Path, tuple[dict[int, int], dict[int, float]]] = {}


def _add_characters(face: Face, path: Path, text: str) -> dict[str, int]:
    """Add the glyphs of `text` to `face`; the glyph id of each character."""
    if not text:
        return {}
    if path not in _metrics:
        font = TTFont(path, lazy=True)
        scale = 1000 / font["head"].unitsPerEm
        cmap = font.getBestCmap()
        wanted = {cmap[ord(c)] for c in text if ord(c) in cmap}
        glyph_ids = {name: font.getGlyphID(name) for name in wanted}
        _metrics[path] = (
            {code: glyph_ids[name] for code, name in cmap.items() if name in wanted},
            {glyph_ids[name]: round(font["hmtx"][name][0] * scale) for name in wanted},
        )
    by_code, widths = _metrics[path]
    codes = {}
    for character in dict.fromkeys(text):
        glyph = by_code[ord(character)]
        codes[character] = glyph
        face.widths.setdefault(glyph, widths[glyph])
        face.to_unicode.setdefault(glyph, character.encode("utf-16-be").hex().encode())
    return codes


def _drop(writer: PdfWriter, font: IndirectObject) -> None:
    """Leave the objects of a font nothing uses any more out of the file."""
    obj = font.get_object()
    cid_font_ref = obj["/DescendantFonts"][0]
    cid_font = cid_font_ref.get_object()
    descriptor_ref = cid_font["/FontDescriptor"]
    descriptor = descriptor_ref.get_object()
    refs = [font, obj.raw_get("/ToUnicode"), cid_font_ref, descriptor_ref]
    refs += [cid_font.raw_get("/W") if "/W" in cid_font else None]
    refs += [
        descriptor.raw_get(k) for k in ("/FontFile2", "/CIDSet") if k in descriptor
    ]
    for ref in refs:
        if isinstance(ref, IndirectObject) and ref.pdf is writer:
            writer._objects[ref.idnum - 1] = None


def _faces(writer: PdfWriter) -> dict[str, Face]:
    faces: dict[str, Face] = {}
    seen: set[int] = set()

    def visit(resources) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        if id(resources) in seen:
            return
        seen.add(id(resources))
        fonts = resources.get("/Font")
        if fonts is not None:
            fonts = fonts.get_object()
            for name, ref in list(fonts.items()):
                face_name = _weasyprint_face(ref)
                if face_name is None:
                    continue
                face = faces.setdefault(face_name, Face(face_name))
                face.uses.append((fonts, NameObject(name)))
                if all(ref.idnum != f.idnum for f in face.fonts):
                    face.fonts.append(ref)
                    _read_font(face, ref.get_object())
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in writer.pages:
        visit(page.get("/Resources"))
    return faces


def _weasyprint_face(ref) -> str | None:
    """The face name of a font as WeasyPrint embeds the bundled font (an
    indirect Type0 font over a TrueType CIDFont, Identity-H, with an
    identity CID to glyph map), or None."""
    if not isinstance(ref, IndirectObject):
        return None
    font = ref.get_object()
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        return None
    match = _SUBSET.match(str(font.get("/BaseFont", "")))
    descendants = font.get("/DescendantFonts")
    if match is None or not descendants or "/ToUnicode" not in font:
        return None
    cid_font = descendants[0].get_object()
    descriptor = cid_font.get("/FontDescriptor")
    if (
        cid_font.get("/Subtype") != "/CIDFontType2"
        or cid_font.get("/CIDToGIDMap") != "/Identity"
        or descriptor is None
        or "/FontFile2" not in descriptor.get_object()
    ):
        return None
    return match.group(2)


def _read_font(face: Face, font: DictionaryObject) -> None:
    cid_font = font["/DescendantFonts"][0].get_object()
    widths = cid_font.get("/W")
    items = list(widths.get_object()) if widths is not None else []
    i = 0
    while i < len(items):
        first = int(items[i])
        following = items[i + 1].get_object()
        if isinstance(following, ArrayObject):
            for offset, width in enumerate(following):
                face.widths[first + offset] = float(width)
            i += 2
        else:
            last, width = int(following), float(items[i + 2])
            for cid in range(first, last + 1):
                face.widths[cid] = width
            i += 3
    cmap = font["/ToUnicode"].get_object().get_data()
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for cid, text in _BFCHAR.findall(block):
            face.to_unicode.setdefault(int(cid, 16), text)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for line in block.splitlines():
            parts = re.findall(rb"<([0-9a-fA-F]+)>", line)
            if len(parts) == 3:
                low, high, start = (int(p, 16) for p in parts)
                width = len(parts[2])
                for offset, cid in enumerate(range(low, high + 1)):
                    code = f"{start + offset:0{width}x}".encode()
                    face.to_unicode.setdefault(cid, code)


def _one_font(writer: PdfWriter, face: Face, path: Path) -> IndirectObject:
    """The font object standing for all of `face`: a subset of `path`."""
    glyphs = sorted({0, *face.widths})
    tag = _tag(face.name, glyphs)
    base = NameObject(f"/{tag}+{face.name}")
    first = face.fonts[0].get_object()
    first_cid = first["/DescendantFonts"][0].get_object()
    program = subset(path, glyphs)

    font_file = DecodedStreamObject()
    font_file.set_data(program)
    font_file[NameObject("/Length1")] = NumberObject(len(program))
    font_file = font_file.flate_encode()

    descriptor = DictionaryObject(first_cid["/FontDescriptor"].get_object())
    descriptor[NameObject("/FontName")] = base
    descriptor[NameObject("/FontFile2")] = writer._add_object(font_file)
    bbox = [float(v) for v in descriptor["/FontBBox"]]
    bbox[2] = max(bbox[2], max(face.widths.values(), default=0))
    descriptor[NameObject("/FontBBox")] = ArrayObject(
        NumberObject(round(v)) for v in bbox
    )
    if "/CIDSet" in descriptor:
        descriptor[NameObject("/CIDSet")] = writer._add_object(_cid_set(glyphs))

    cid_font = DictionaryObject(first_cid)
    cid_font[NameObject("/BaseFont")] = base
    cid_font[NameObject("/FontDescriptor")] = writer._add_object(descriptor)
    cid_font[NameObject("/W")] = _width_array(face.widths)

    font = DictionaryObject(first)
    font[NameObject("/BaseFont")] = base
    font[NameObject("/DescendantFonts")] = ArrayObject([writer._add_object(cid_font)])
    font[NameObject("/ToUnicode")] = writer._add_object(_cmap(face.to_unicode))
    return writer._add_object(font)


def subset(path: Path, glyphs: list[int]) -> bytes:
    """The font file `path` cut to `glyphs`, each at its own glyph id, as
    WeasyPrint cuts it."""
    face = hb.Face(path.read_bytes())
    wanted = hb.SubsetInput()
    for glyph in glyphs:
        wanted.glyph_set.add(glyph)
    wanted.flags = (
        hb.SubsetFlags.RETAIN_GIDS
        | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
        | hb.SubsetFlags.DESUBROUTINIZE
        | hb.SubsetFlags.NO_HINTING
    )
    dropped = wanted.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    for table in DROPPED_TABLES:
        dropped.add(int.from_bytes(table.encode("ascii"), "big"))
    return hb.subset(face, wanted).blob.data


def _tag(name: str, glyphs: list[int]) -> str:
    digest = hashlib.md5(  # noqa: S324 - a name, not a secret
        f"{name}:{glyphs}".encode(), usedforsecurity=False
    ).digest()
    return "".join(string.ascii_uppercase[b % 26] for b in digest[:6])


def _width_array(widths: dict[int, float]) -> ArrayObject:
    array = ArrayObject()
    run: ArrayObject | None = None
    for cid in sorted(widths):
        if run is None or cid - 1 not in widths:
            run = ArrayObject()
            array.extend([NumberObject(cid), run])
        width = widths[cid]
        run.append(NumberObject(round(width)) if width == round(width) else width)
    return array


def _cmap(to_unicode: dict[int, bytes]) -> StreamObject:
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    items = sorted(to_unicode.items())
    for start in range(0, len(items), 100):
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines.extend(b"<%04x> <%s>" % (cid, text) for cid, text in batch)
        lines.append(b"endbfchar")
    lines += [
        b"endcmap",
        b"CMapName currentdict /CMap defineresource pop",
        b"end",
        b"end",
    ]
    stream = DecodedStreamObject()
    stream.set_data(b"\n".join(lines))
    return stream.flate_encode()


def _cid_set(glyphs: list[int]) -> StreamObject:
    bits = bytearray((glyphs[-1] // 8) + 1)
    for glyph in glyphs:
        bits[glyph // 8] |= 0x80 >> (glyph % 8)
    stream = DecodedStreamObject()
    stream.set_data(bytes(bits))
    return stream.flate_encode()
