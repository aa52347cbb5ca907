"""SQLite: the titles' terms get an FTS5 table of their own, `search_fts_title` (PostgreSQL's
`title_document`, migration 0006).

FTS5 keeps one list of entries per term for all the columns of a table, so "entries with the word
in their title" costs as much as the word everywhere: for a word most entries hold, every entry.
engine.match_broad finds the titles in this small index instead.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_fts_title USING fts5("
    "kind, title, tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO search_fts_title (rowid, kind, title) SELECT rowid, kind, title FROM search_fts",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS search_fts_title"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0006_pg_title_document")]

    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE_FORWARD}), _run({"sqlite": SQLITE_BACKWARD}))
    ]
