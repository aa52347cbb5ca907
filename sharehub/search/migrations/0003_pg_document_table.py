"""PostgreSQL: the tsvector and the title letters move from search_searchentry to a narrow table.

A common word matches thousands of entries, and ranking them reads each one's row: in the wide
entry table (title, body, terms...) that was ~1 KB a row, one heap page per match, before any
ranking. search_document holds only what matching and ranking read, so its rows are few hundred
bytes and the table stays in shared buffers. SQLite is unchanged: FTS5 is already its own table.

No foreign key to search_searchentry on purpose: Django's test flush TRUNCATEs Django's tables
without CASCADE, which a foreign key from a table it does not know about would make fail.
engine.write/delete keep the two in step inside the same transaction, and every read joins back
to the entry, so a row left behind can never surface.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE TABLE search_document ("
    " entry_id bigint PRIMARY KEY,"
    " content_type_id integer NOT NULL,"
    " document tsvector NOT NULL,"
    " fuzzy text NOT NULL DEFAULT '')",
    "INSERT INTO search_document (entry_id, content_type_id, document, fuzzy)"
    " SELECT id, content_type_id, document, fuzzy FROM search_searchentry",
    "CREATE INDEX search_document_document ON search_document USING GIN (document)",
    "CREATE INDEX search_document_fuzzy_trgm ON search_document USING GIN (fuzzy gin_trgm_ops)",
    "DROP INDEX IF EXISTS search_entry_fuzzy_trgm",
    "DROP INDEX IF EXISTS search_entry_document",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS document",
]
POSTGRES_BACKWARD = [
    "ALTER TABLE search_searchentry ADD COLUMN document tsvector NOT NULL DEFAULT ''::tsvector",
    "UPDATE search_searchentry e SET document = d.document FROM search_document d WHERE d.entry_id = e.id",
    "CREATE INDEX search_entry_document ON search_searchentry USING GIN (document)",
    "CREATE INDEX search_entry_fuzzy_trgm ON search_searchentry USING GIN (fuzzy gin_trgm_ops)",
    "DROP TABLE IF EXISTS search_document",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD}), _run({"postgresql": POSTGRES_BACKWARD})
        )
    ]
