"""Writing the index (from the records, in the background) and reading it.

A change to a record names the documents it touches (a target: a source and
a filter, such as the materials of meeting 5); the task `update_index`
rewrites those documents from the database as it is then, so a target named
twice or a record deleted since costs nothing wrong.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from meetings.models import Material, Meeting, headquarters_of
from search import text
from search.backends import Indexed, backend
from search.models import Document, ExtractedText
from search.sources import (
    SOURCES,
    Doc,
    _item_municipalities,
    _items,
    municipalities_by_headquarters,
)

logger = logging.getLogger(__name__)

# A target: (source name, field, value), e.g. ("meetings.material", "meeting_id", 5).
Target = tuple[str, str, object]

# PostgreSQL keeps a word's positions up to 16383: a document's body is cut
# into parts of at most this many characters (each a document of its own,
# with the same link), so a phrase is matched exactly in every part.
PART_CHARS = 6000


def extract_pages(path) -> list[str]:
    """The text of each page of a PDF, '' for a page without text (a scan)."""
    from pypdf import PdfReader

    pages: list[str] = []
    with open(path, "rb") as f:
        reader = PdfReader(f)
        for page in reader.pages:
            try:
                pages.append((page.extract_text() or "")[: PART_CHARS * 2])
            except Exception:  # noqa: BLE001 - a broken page is skipped, not fatal
                logger.warning("search: no text from a page of %s", path)
                pages.append("")
    return pages


def _pdf_pages(materials: Iterable[Material]) -> dict[int, list[str]]:
    """Each PDF material's pages, read once per file (kept by its sha256)."""
    out: dict[int, list[str]] = {}
    for material in materials:
        if material.content != Material.Content.PDF or not material.file:
            continue
        try:
            with material.file.open("rb") as f:
                digest = hashlib.file_digest(f, "sha256").hexdigest()
        except OSError:
            logger.warning("search: material %s has no file to read", material.pk)
            continue
        kept = ExtractedText.objects.filter(sha256=digest).first()
        if kept is None:
            try:
                pages = extract_pages(material.file.path)
            except Exception:  # noqa: BLE001 - an unreadable PDF is indexed by title
                logger.warning(
                    "search: cannot read the PDF of material %s", material.pk
                )
                pages = []
            kept, _ = ExtractedText.objects.get_or_create(
                sha256=digest, defaults={"pages": pages}
            )
        out[material.pk] = kept.pages
    return out


def _extra(source_name: str, objects: list) -> dict:
    """What a source's documents need beyond their own rows."""
    extra: dict = {"municipalities": municipalities_by_headquarters()}
    if source_name == "meetings.material":
        extra["pages"] = _pdf_pages(objects)
    if source_name in (
        "workitems.resultrow",
        "workitems.highlight",
        "workitems.indicator",
    ):
        item_ids = {_item_id(source_name, o) for o in objects}
        extra["item_municipalities"] = {
            item.pk: _item_municipalities(item, extra["municipalities"])
            for item in _items().filter(pk__in=item_ids)
        }
    return extra


def _item_id(source_name: str, obj) -> int:
    if source_name == "workitems.resultrow":
        return obj.table.item_year.item_id
    return obj.item_year.item_id


def _parts(doc: Doc) -> list[Doc]:
    """A document whose body is long, as parts of at most PART_CHARS."""
    if len(doc.body) <= PART_CHARS or doc.part:
        return [doc]
    parts, chunk = [], ""
    for line in doc.body.splitlines(keepends=True):
        while len(line) > PART_CHARS:
            parts.append(chunk + line[: PART_CHARS - len(chunk)])
            line, chunk = line[PART_CHARS - len(chunk) :], ""
        if len(chunk) + len(line) > PART_CHARS:
            parts.append(chunk)
            chunk = ""
        chunk += line
    if chunk:
        parts.append(chunk)
    return [
        Doc(**{**doc.__dict__, "body": body, "part": n}) for n, body in enumerate(parts)
    ]


def _write(source_name: str, objects: list) -> int:
    """Rewrite the documents of `objects` (of one source); the count written."""
    source = SOURCES[source_name]
    extra = _extra(source_name, objects)
    docs = [
        part
        for obj in objects
        for doc in source.documents(obj, extra)
        for part in _parts(doc)
    ]
    _remove(source_name, [o.pk for o in objects])
    rows = Document.objects.bulk_create(
        [
            Document(
                headquarters_id=d.headquarters_id,
                kind=d.kind,
                source=source_name,
                object_id=d.object_id,
                part=d.part,
                meeting_id=d.meeting_id,
                title=d.title[:300],
                context=d.context[:300],
                body=d.body,
                url=d.url,
                fiscal_year=d.fiscal_year,
                date=d.date,
            )
            for d in docs
        ]
    )
    through = Document.municipalities.through
    through.objects.bulk_create(
        [
            through(document_id=row.pk, organization_id=org)
            for row, d in zip(rows, docs, strict=True)
            for org in sorted(d.municipality_ids)
        ]
    )
    backend().write(
        [
            Indexed(
                id=row.pk,
                title=text.tokens(d.title),
                body=text.tokens(_with_fiscal_year(d)),
                characters=text.characters(f"{d.title}\n{d.context}\n{d.body}"),
                headquarters_id=d.headquarters_id,
            )
            for row, d in zip(rows, docs, strict=True)
        ]
    )
    return len(rows)


def _with_fiscal_year(doc: Doc) -> str:
    """The body with where it stands: its context and its 年度 written out, so
    that 令和3年度 (2021年度) finds what belongs to that fiscal year."""
    year = f"{doc.fiscal_year}年度" if doc.fiscal_year else ""
    return f"{doc.context}\n{year}\n{doc.body}"


def _remove(source_name: str, object_ids: list[int]) -> None:
    stale = list(
        Document.objects.filter(
            source=source_name, object_id__in=object_ids
        ).values_list("pk", flat=True)
    )
    backend().delete(stale)
    Document.objects.filter(pk__in=stale).delete()


@transaction.atomic
def update(targets: Iterable[Target]) -> int:
    """Rewrite the documents the targets name, each once; the count written."""
    by_pk: dict[str, set] = {}
    objects: dict[str, dict[int, object]] = {}
    for source_name, field, value in dict.fromkeys(tuple(t) for t in targets):
        if field == "pk":
            by_pk.setdefault(source_name, set()).add(value)
            continue
        found = SOURCES[source_name].queryset().filter(**{field: value})
        objects.setdefault(source_name, {}).update((o.pk, o) for o in found)
    for source_name, pks in by_pk.items():
        wanted = pks - objects.get(source_name, {}).keys()
        found = SOURCES[source_name].queryset().filter(pk__in=wanted)
        objects.setdefault(source_name, {}).update((o.pk, o) for o in found)
        # Deleted since: their documents go.
        _remove(source_name, sorted(pks - objects[source_name].keys()))
    return sum(_write(name, list(objs.values())) for name, objs in objects.items())


@transaction.atomic
def rebuild(*, batch: int = 200) -> dict[str, int]:
    """Empty the index and write every document again; counts per source."""
    backend().clear()
    Document.objects.all().delete()
    counts: dict[str, int] = {}
    for name, source in SOURCES.items():
        counts[name] = 0
        ids = list(source.queryset().order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch):
            objects = list(source.queryset().filter(pk__in=ids[start : start + batch]))
            counts[name] += _write(name, objects)
    return counts


# --- reading ----------------------------------------------------------------


def index_state(headquarters_id: int | None) -> tuple:
    """Where the index of a headquarters stands, as two numbers that move on
    with every write to it (documents are written again under new ids, and
    removed ones lower the count): what a kept search page depends on beyond
    the data, since the index follows the data in the background."""
    # A kept page asks this on every request: plain SQL, no ORM compilation.
    table = Document._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), MAX(id) FROM {table} WHERE headquarters_id = %s",  # noqa: S608 - the model's table
            [headquarters_id],
        )
        return tuple(cursor.fetchone())


def visible_to(user) -> QuerySet[Document]:
    """The documents of the user's headquarters on pages the user may open."""
    headquarters = headquarters_of(user)
    meetings = Meeting.objects.visible_to(user, headquarters=headquarters)
    return Document.objects.filter(headquarters=headquarters).filter(
        Q(meeting__isnull=True) | Q(meeting__in=meetings.values("pk"))
    )


def matching(
    documents: QuerySet[Document],
    terms: list[text.Term],
    headquarters_id: int | None = None,
) -> QuerySet:
    """The documents holding every term, best first (annotated `rank`); the
    engine matches within `headquarters_id`'s documents where it is given
    (`documents` must lie within them)."""
    return (
        backend()
        .match(documents, terms, headquarters_id)
        .order_by("-rank", "-fiscal_year", "-date", "id")
    )
