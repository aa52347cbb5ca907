"""The database's own full-text machinery beside SearchEntry: FTS5 on SQLite, tsvector + pg_trgm on PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    # A regular FTS5 table (rowid = SearchEntry.id) keeps its own copy of the terms, so a
    # row can be deleted by rowid alone. kind holds "ct<content type id>", so filtering by
    # model happens inside the full-text index.
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "kind, title, body, fuzzy, words, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS search_fts"]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE search_searchentry ADD COLUMN document tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX search_entry_document ON search_searchentry USING GIN (document)",
    "CREATE INDEX search_entry_fuzzy_trgm ON search_searchentry USING GIN (fuzzy gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_fuzzy_trgm",
    "DROP INDEX IF EXISTS search_entry_document",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS document",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
