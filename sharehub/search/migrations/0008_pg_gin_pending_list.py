"""PostgreSQL: the search index's GIN indexes keep a short pending list (256 kB, not 4 MB).

A GIN index takes new entries into an unsorted pending list (`fastupdate`) and moves them into
the index proper only when the list outgrows `gin_pending_list_limit` (4 MB by default) or at a
VACUUM, which autovacuum runs only after a fifth of the table has changed. Every search reads the
whole list, once per index condition: after 100,000 entries were indexed, 430 pending pages of
search_document_document and 202 of search_document_title cost each search tens of milliseconds
(a `document @@ q` scan that matched 859 entries took 13 ms instead of 0.8). A 256 kB list keeps
that under a millisecond; the writer that fills it merges it (fastupdate off entirely made
indexing about five times slower, 1.9 ms an entry against 0.4).
"""

from django.db import migrations

INDEXES = ("search_document_document", "search_document_title", "search_document_fuzzy_trgm")
PENDING_LIST_KB = 256

POSTGRES_FORWARD = [
    *(f"ALTER INDEX {index} SET (gin_pending_list_limit = {PENDING_LIST_KB})" for index in INDEXES),
    # What is pending already goes into the index now.
    "SELECT " + ", ".join(f"gin_clean_pending_list('{index}'::regclass)" for index in INDEXES),
]
POSTGRES_BACKWARD = [f"ALTER INDEX {index} RESET (gin_pending_list_limit)" for index in INDEXES]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0007_sqlite_title_index")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD}), _run({"postgresql": POSTGRES_BACKWARD})
        )
    ]
