"""PostgreSQL: the title's terms get a tsvector and an index of their own in search_document.

A word most entries hold ("공유" with its synonyms matches nearly every listing) cannot be ranked
over all its matches within the time a search has: such a query ranks the entries holding it in
their title (few), then lists the others in the index's order (engine.match_broad). SQLite's FTS5
already indexes the title as a column of its own.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "ALTER TABLE search_document ADD COLUMN title_document tsvector NOT NULL DEFAULT ''::tsvector",
    "UPDATE search_document d SET title_document = to_tsvector('simple', e.title_terms)"
    " FROM search_searchentry e WHERE e.id = d.entry_id",
    "CREATE INDEX search_document_title ON search_document USING GIN (title_document)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_title",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS title_document",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0005_seed_synonyms")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD}), _run({"postgresql": POSTGRES_BACKWARD})
        )
    ]
