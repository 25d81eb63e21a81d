"""Factory functions for packet tests: PDF files and section kinds."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject


def make_pdf_bytes(
    *, pages: int = 2, text: str = "UPLOADED PAGE", size=(595, 842)
) -> bytes:
    """A PDF whose page n (from 1) reads "<text> n" in Helvetica."""
    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    for n in range(1, pages + 1):
        page = writer.add_blank_page(width=size[0], height=size[1])
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 14 Tf 72 400 Td ({text} {n}) Tj ET".encode())
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_pdf_file(*, name: str = "upload.pdf", **kwargs) -> ContentFile:
    return ContentFile(make_pdf_bytes(**kwargs), name=name)


def make_corrupt_pdf_bytes() -> bytes:
    """Starts like a PDF, then garbage: no xref, no pages."""
    return (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ngarbage\x00\xff"
    )
