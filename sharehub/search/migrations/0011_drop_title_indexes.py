"""The titles' own indexes go: SQLite's `search_fts_title` (migration 0007) and PostgreSQL's
`title_document` (migration 0006).

They served engine.match_broad's ranking of a common word's title matches; the impact lists
(migration 0010) rank a common word's matches now, titles weighed in, and nothing reads them.
Back: rebuilt from what the entries hold.
"""

from django.db import migrations

SQLITE_FORWARD = ["DROP TABLE IF EXISTS search_fts_title"]
SQLITE_BACKWARD = [
    "CREATE VIRTUAL TABLE search_fts_title USING fts5("
    "kind, title, tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO search_fts_title (rowid, kind, title) SELECT rowid, kind, title FROM search_fts",
]
POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS search_document_title",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS title_document",
]
POSTGRES_BACKWARD = [
    "ALTER TABLE search_document ADD COLUMN title_document tsvector NOT NULL DEFAULT ''::tsvector",
    "UPDATE search_document d SET title_document = to_tsvector('simple', e.title_terms)"
    " FROM search_searchentry e WHERE e.id = d.entry_id",
    "CREATE INDEX search_document_title ON search_document USING GIN (title_document)",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0010_impact_lists")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
