"""The headquarters' token in every document's index entry (search.backends):
a query is matched within the asker's headquarters. SQLite's FTS5 table gets
a fourth column, scope (a table made by 0001 before this has three: it is
made again with its rows); PostgreSQL's vectors get the token weighted C."""

from django.db import migrations


def add_scope(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA table_info(search_fts)")
            if "scope" in {row[1] for row in cursor.fetchall()}:
                return
            cursor.execute(
                "CREATE VIRTUAL TABLE search_fts_scoped "
                "USING fts5(title, body, chars, scope, tokenize='ascii')"
            )
            cursor.execute(
                "INSERT INTO search_fts_scoped(rowid, title, body, chars, scope) "
                "SELECT f.rowid, f.title, f.body, f.chars, 'hq' || d.headquarters_id "
                "FROM search_fts f JOIN search_document d ON d.id = f.rowid"
            )
            cursor.execute("DROP TABLE search_fts")
            cursor.execute("ALTER TABLE search_fts_scoped RENAME TO search_fts")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE search_document SET vector = vector || "
                "('hq' || headquarters_id || ':1C')::tsvector "
                "WHERE vector IS NOT NULL "
                "AND NOT vector @@ ('hq' || headquarters_id || ':C')::tsquery"
            )


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(add_scope, migrations.RunPython.noop)]
