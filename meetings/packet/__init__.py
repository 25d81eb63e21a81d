"""The meeting packet as one PDF: 次第, 出席者名簿, 配席図, then every material in order.

Each part is rendered on its own from the templates the pages use (with the
print stylesheet) and cached in the database under the sha256 of its HTML and
of the stylesheet and fonts, so that after one material is edited only that
material is rendered again. The packet is those parts merged, with the page
numbers stamped at the foot, an outline and metadata; it is cached too, under
the keys of its parts. Section kinds come from the registry in
``meetings.sections``: a kind no app registers prints a placeholder line.

- ``parts``: the parts of a meeting and their keys;
- ``cache``: the parts and documents stored in the database;
- ``engine``: WeasyPrint and pypdf, with nothing of Django, so that a render
  worker process imports it alone (``fonts``, which gives the merged packet
  one embedded copy of each face, and ``pdfcheck`` likewise);
- ``assembly``: ``build_packet`` and ``build_material``, step by step.

This module names the public API without importing it up front: importing
``meetings.packet.engine`` runs this file first, and a render worker has no
Django settings to load the models with.
"""

from __future__ import annotations

from importlib import import_module

_HOMES = {
    "BuildResult": "assembly",
    "build_material": "assembly",
    "build_packet": "assembly",
    "KEEP_UNUSED": "cache",
    "FORMAT_VERSION": "parts",
    "Part": "parts",
    "Upload": "parts",
    "asset_version": "parts",
    "document_key": "parts",
    "front_parts": "parts",
    "is_draft": "parts",
    "material_body": "parts",
    "material_html": "parts",
    "material_parts": "parts",
    "packet_parts": "parts",
    "roots": "parts",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
