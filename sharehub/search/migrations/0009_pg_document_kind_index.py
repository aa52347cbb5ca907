"""PostgreSQL: search_document gets a B-tree index on its kind (content_type_id).

Every read of the index asks for one kind, and one kind (the directory's listings) can hold
nearly all the rows while the others hold few or none. Without this index a search of a small
kind read the matches of every kind from the GIN indexes and threw away the others': the hub's
search page, which searches every kind, spent 200 ms per empty kind in the typo fallback alone
(`word_similarity` rechecked on the 9,140 listings a trigram index scan handed over, at 100,000
listings) and a common word's count read all its matches. With it the planner reads a small
kind's few rows and filters them (0.1 ms, EXPLAIN ANALYZE); a large kind keeps its GIN plans.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE INDEX IF NOT EXISTS search_document_kind ON search_document (content_type_id)"
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS search_document_kind"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0008_pg_gin_pending_list")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD}), _run({"postgresql": POSTGRES_BACKWARD})
        )
    ]
