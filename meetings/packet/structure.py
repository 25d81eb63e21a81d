"""The merged packet as one tagged PDF (PDF/UA-1).

WeasyPrint renders each part tagged (``pdf_variant="pdf/ua-1"``): a structure
tree of headings, paragraphs, lists, tables with header cells and figures
with their alternative text, and every page's content marked. Merging the
parts' pages keeps their marked content but not their trees, so `Structure`
carries each part's tree over into the merged document:

- each part's tree becomes a ``Part`` under one ``Document``, its elements
  cloned with the pages they point to (pypdf maps a part's objects to their
  copies in the merged file);
- each part's parent tree (marked content → element) is renumbered after
  the ones before it, and its pages' ``StructParents`` with it;
- what the merge draws itself (the page numbers) is marked as a pagination
  artifact, and a page of a part that has no tree (an uploaded PDF, which
  the packet cannot read for structure) is marked as an artifact whole, so
  that no content is left unmarked;
- the document declares itself tagged (``MarkInfo``), in Japanese, and
  PDF/UA-1 in its XMP metadata with its title.

Like engine.py this module needs no Django.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
)


class Structure:
    """The structure tree of a document being merged, part by part."""

    def __init__(self, writer: PdfWriter):
        self.writer = writer
        self.root = writer._add_object(
            DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
        )
        self.document = writer._add_object(
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/StructElem"),
                    NameObject("/S"): NameObject("/Document"),
                    NameObject("/P"): self.root,
                    NameObject("/K"): ArrayObject(),
                }
            )
        )
        self.nums: list = []
        self.next_key = 0
        self.role_map = DictionaryObject()

    def add_part(self, reader: PdfReader, pages: list) -> None:
        """Carry the tree of `reader` over to its merged `pages`."""
        tree = reader.trailer["/Root"].get("/StructTreeRoot")
        if tree is None:
            for page in pages:
                mark_page_as_artifact(self.writer, page)
            return
        tree = tree.get_object()
        offset = self.next_key
        part = self.writer._add_object(
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/StructElem"),
                    NameObject("/S"): NameObject("/Part"),
                    NameObject("/P"): self.document,
                    NameObject("/K"): ArrayObject(),
                }
            )
        )
        self.document.get_object()["/K"].append(part)
        for kid in _as_list(tree.get("/K")):
            cloned = kid.clone(self.writer, ignore_fields=("/P",))
            if isinstance(cloned, IndirectObject):
                element = cloned.get_object()
                if element.get("/S") == "/Document":
                    # The part's own Document: its children come under the Part.
                    for child in _as_list(element.get("/K")):
                        part.get_object()["/K"].append(child)
                else:
                    part.get_object()["/K"].append(cloned)
        _set_parents(part)
        last = -1
        for key, value in _number_tree(tree.get("/ParentTree")):
            self.nums += [
                NumberObject(key + offset),
                value.clone(self.writer, ignore_fields=("/P",)),
            ]
            last = max(last, key)
        self.next_key = offset + last + 1
        for source, page in zip(reader.pages, pages, strict=True):
            # pypdf leaves StructParents out of a page it adds: the key of
            # the page's marked content in the parent tree, renumbered.
            if "/StructParents" in source:
                page[NameObject("/StructParents")] = NumberObject(
                    int(source["/StructParents"]) + offset
                )
            for annot in _as_list(page.get("/Annots")):
                annot = annot.get_object()
                if "/StructParent" in annot:
                    annot[NameObject("/StructParent")] = NumberObject(
                        int(annot["/StructParent"]) + offset
                    )
        for name, role in (tree.get("/RoleMap") or {}).items():
            self.role_map.setdefault(NameObject(name), role)

    def finish(self, *, title: str, lang: str) -> None:
        """Write the tree, the tagged mark and the PDF/UA metadata."""
        root = self.root.get_object()
        root[NameObject("/K")] = ArrayObject([self.document])
        root[NameObject("/ParentTree")] = self.writer._add_object(
            DictionaryObject({NameObject("/Nums"): ArrayObject(self.nums)})
        )
        root[NameObject("/ParentTreeNextKey")] = NumberObject(self.next_key)
        if self.role_map:
            root[NameObject("/RoleMap")] = self.role_map
        catalog = self.writer.root_object
        catalog[NameObject("/StructTreeRoot")] = self.root
        catalog[NameObject("/MarkInfo")] = DictionaryObject(
            {NameObject("/Marked"): BooleanObject(True)}
        )
        metadata = DecodedStreamObject()
        metadata.set_data(_xmp(title=title, lang=lang))
        metadata[NameObject("/Type")] = NameObject("/Metadata")
        metadata[NameObject("/Subtype")] = NameObject("/XML")
        catalog[NameObject("/Metadata")] = self.writer._add_object(metadata)


def mark_page_as_artifact(writer: PdfWriter, page) -> None:
    """Mark the whole content of `page` as an artifact."""
    wrap_contents(writer, page, b"/Artifact BMC\n", b"\nEMC\n")


def wrap_contents(writer: PdfWriter, page, before: bytes, after: bytes) -> None:
    """Put `before` and `after` around the content of `page`."""
    first = DecodedStreamObject()
    first.set_data(before)
    last = DecodedStreamObject()
    last.set_data(after)
    contents = page.get("/Contents")
    existing = []
    if contents is not None:
        resolved = contents.get_object()
        existing = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
    page[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(first), *existing, writer._add_object(last)]
    )


def _as_list(value) -> list:
    if value is None:
        return []
    resolved = value.get_object() if hasattr(value, "get_object") else value
    return list(resolved) if isinstance(resolved, ArrayObject) else [value]


def _number_tree(node) -> list[tuple[int, object]]:
    """The (key, value) pairs of a number tree, its kids included."""
    if node is None:
        return []
    node = node.get_object()
    pairs = []
    nums = node.get("/Nums")
    if nums is not None:
        items = list(nums.get_object())
        pairs += [(int(items[i]), items[i + 1]) for i in range(0, len(items), 2)]
    for kid in _as_list(node.get("/Kids")):
        pairs += _number_tree(kid)
    return pairs


def _set_parents(element: IndirectObject) -> None:
    """Point every structure element under `element` at its parent."""
    stack = [element]
    while stack:
        parent = stack.pop()
        for child in _as_list(parent.get_object().get("/K")):
            if not isinstance(child, IndirectObject):
                continue
            node = child.get_object()
            if (
                isinstance(node, DictionaryObject)
                and node.get("/Type")
                in (
                    None,
                    "/StructElem",
                )
                and "/S" in node
            ):
                node[NameObject("/P")] = parent
                stack.append(child)


def _xmp(*, title: str, lang: str) -> bytes:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" '
        'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:title><rdf:Alt>"
        f'<rdf:li xml:lang="x-default">{escape(title)}</rdf:li>'
        "</rdf:Alt></dc:title>"
        f"<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>"
        "</rdf:Description>"
        '<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" '
        'pdf:Producer="onechamber"/>'
        "</rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()
