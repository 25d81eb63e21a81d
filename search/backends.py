"""Where the index lives and how a query is matched: one class per engine.

The embedded default needs no server of its own: SQLite's FTS5 (a virtual
table, ranked by bm25) or PostgreSQL's full text search (a tsvector column
with a GIN index, ranked by ts_rank). Both index the same tokens
(search.text: bigrams of kanji and kana, words of letters and digits), in
three fields: the title, the body, and each character once (for a query of
one kanji); and the headquarters' token in a fourth, so that a query is
matched within the asker's headquarters alone (ten headquarters' documents
are not matched to keep a tenth of them). A deployment that outgrows them names another class with the
same three methods in the ONECHAMBER_SEARCH_BACKEND setting (an OpenSearch
index written and queried over HTTP, say); the pages and the index code stay
as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.module_loading import import_string

from search.text import Term

# bm25 / ts_rank weights: a match in the title counts most.
TITLE, BODY, CHARACTERS = 10.0, 1.0, 0.2


@dataclass
class Indexed:
    """A document's tokens, as search.text made them, and its headquarters."""

    id: int
    title: list[str]
    body: list[str]
    characters: list[str]
    headquarters_id: int


def scope_token(headquarters_id: int) -> str:
    """The token a headquarters' documents carry in their scope field."""
    return f"hq{int(headquarters_id)}"


class SqliteBackend:
    """FTS5 table search_fts(title, body, chars, scope); its rowid is the
    document's id, its scope the headquarters' token.

    The 'ascii' tokenizer splits on spaces and ASCII punctuation only, so the
    bigrams written joined by spaces come back as they were written."""

    table = "search_fts"

    def create(self, schema_editor) -> None:
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.table} "  # noqa: S608 - constant
            "USING fts5(title, body, chars, scope, tokenize='ascii')"
        )

    def drop(self, schema_editor) -> None:
        schema_editor.execute(f"DROP TABLE IF EXISTS {self.table}")

    def write(self, docs: list[Indexed]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.table}(rowid, title, body, chars, scope) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s)",
                [
                    (
                        d.id,
                        " ".join(d.title),
                        " ".join(d.body),
                        " ".join(d.characters),
                        scope_token(d.headquarters_id),
                    )
                    for d in docs
                ],
            )

    def delete(self, ids: list[int]) -> None:
        if not ids:
            return
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                cursor.execute(
                    f"DELETE FROM {self.table} WHERE rowid IN "  # noqa: S608
                    f"({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")  # noqa: S608

    @staticmethod
    def expression(terms: list[Term], headquarters_id: int | None = None) -> str:
        """The FTS5 query: every term, each a phrase in the title or body (or
        one character in chars), in the headquarters' scope where one is
        given. Tokens hold letters, digits and kanji only, so quoting them
        cannot be broken out of."""
        parts = []
        if headquarters_id is not None:
            parts.append(f'scope : "{scope_token(headquarters_id)}"')
        for term in terms:
            phrase = '"' + " ".join(term.tokens) + '"'
            if term.character:
                parts.append(f"chars : {phrase}")
            else:
                parts.append("{title body} : " + phrase + ("*" if term.prefix else ""))
        return " AND ".join(parts)

    def match(
        self, queryset: QuerySet, terms: list[Term], headquarters_id: int | None = None
    ) -> QuerySet:
        expr = self.expression(terms, headquarters_id)
        table = queryset.model._meta.db_table
        return queryset.filter(
            id__in=RawSQL(  # noqa: S611 - the query is a parameter
                f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH %s",  # noqa: S608
                [expr],
            )
        ).annotate(
            # bm25 is lower for a better match: negated, higher is better.
            rank=RawSQL(  # noqa: S611 - the query is a parameter
                f"(SELECT -bm25({self.table}, {TITLE}, {BODY}, {CHARACTERS}) "  # noqa: S608
                f"FROM {self.table} WHERE {self.table} MATCH %s "
                f'AND rowid = "{table}"."id")',
                [expr],
                output_field=FloatField(),
            )
        )


class PostgresBackend:
    """The document's `vector` column: a tsvector written as a literal, title
    tokens weighted A, body B, characters D, their positions in order, and
    the headquarters' token weighted C (which ranks nothing); the query a
    tsquery literal. Literals, not to_tsvector(): no parser or
    dictionary of PostgreSQL's decides where a Japanese word ends."""

    index = "search_document_vector"

    def create(self, schema_editor) -> None:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {self.index} "
            "ON search_document USING gin (vector)"
        )

    def drop(self, schema_editor) -> None:
        schema_editor.execute(f"DROP INDEX IF EXISTS {self.index}")

    # PostgreSQL keeps positions up to 16383; a document's parts are kept
    # shorter than that (search.index), so phrases stay exact.
    MAX_POSITION = 16383

    @classmethod
    def vector(cls, doc: Indexed) -> str:
        positions: dict[str, list[str]] = {}
        pos = 0
        for weight, toks in (("A", doc.title), ("B", doc.body), ("D", doc.characters)):
            pos += 1  # a gap: no phrase runs from the title into the body
            for tok in toks:
                pos = min(pos + 1, cls.MAX_POSITION)
                positions.setdefault(tok, []).append(f"{pos}{weight}")
        scope = (
            f"'{scope_token(doc.headquarters_id)}':{min(pos + 2, cls.MAX_POSITION)}C"
        )
        return " ".join(
            [
                *(
                    f"'{tok}':{','.join(places[:256])}"
                    for tok, places in positions.items()
                ),
                scope,
            ]
        )

    def write(self, docs: list[Indexed]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE search_document SET vector = %s::tsvector WHERE id = %s",
                [(self.vector(d), d.id) for d in docs],
            )

    def delete(self, ids: list[int]) -> None:
        """Nothing to do: the vector goes with its row."""

    def clear(self) -> None:
        """Nothing to do: the vectors go with their rows."""

    @staticmethod
    def expression(terms: list[Term], headquarters_id: int | None = None) -> str:
        parts = []
        if headquarters_id is not None:
            parts.append(f"'{scope_token(headquarters_id)}':C")
        for term in terms:
            if term.character:
                parts.append(f"'{term.tokens[0]}':D")
                continue
            lexemes = [f"'{tok}':AB" for tok in term.tokens]
            if term.prefix:
                lexemes[-1] = f"'{term.tokens[-1]}':*AB"
            parts.append("(" + " <-> ".join(lexemes) + ")")
        return " & ".join(parts)

    def match(
        self, queryset: QuerySet, terms: list[Term], headquarters_id: int | None = None
    ) -> QuerySet:
        expr = self.expression(terms, headquarters_id)
        table = queryset.model._meta.db_table
        return (
            queryset.alias(
                _matched=RawSQL(  # noqa: S611 - the query is a parameter
                    f'"{table}"."vector" @@ %s::tsquery',
                    [expr],
                    output_field=BooleanField(),
                )
            )
            .filter(_matched=True)
            .annotate(
                rank=RawSQL(  # noqa: S611 - the query is a parameter
                    f"ts_rank('{{{CHARACTERS / TITLE}, 0, {BODY / TITLE}, 1}}', "
                    f'"{table}"."vector", %s::tsquery)',
                    [expr],
                    output_field=FloatField(),
                )
            )
        )


def backend():
    """The engine the setting names, else the database's own."""
    path = settings.ONECHAMBER_SEARCH_BACKEND
    if path:
        return import_string(path)()
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"no search backend for {connection.vendor}")
