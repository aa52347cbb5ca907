"""Impact-ordered lists: one row per (entry, term) with the term's weight in the entry, read best
first by the kind and the term (both databases).

A word that thousands of entries hold cannot be ranked over all its matches within a search's
time: engine.match_broad used to rank only the entries with it in their title and list the others
in the index's order, so an answer whose title lacks the word sat behind thousands of passing
mentions. A term's best entries are now read from `search_impact_order` (its first few hundred
rows), whatever the number of its matches. The weight is the entry's own (engine.impacts: the
term's frequency in title and body against the entry's length), so a write changes its own rows
only. No foreign key, as for search_document (migration 0003): engine.write/delete keep the rows
in step, and every read joins back to the entry.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE TABLE search_impact (entry_id INTEGER NOT NULL, term TEXT NOT NULL,"
    " content_type_id INTEGER NOT NULL, impact INTEGER NOT NULL, PRIMARY KEY (entry_id, term))"
    " WITHOUT ROWID",
    "CREATE INDEX search_impact_order ON search_impact"
    " (content_type_id, term, impact DESC, entry_id)",
]
POSTGRES_FORWARD = [
    "CREATE TABLE search_impact (entry_id bigint NOT NULL, term text NOT NULL,"
    " content_type_id integer NOT NULL, impact integer NOT NULL, PRIMARY KEY (entry_id, term))",
    "CREATE INDEX search_impact_order ON search_impact"
    " (content_type_id, term, impact DESC, entry_id)",
]
BACKWARD = ["DROP TABLE IF EXISTS search_impact"]
CHUNK = 2000


def forward(apps, schema_editor):
    from sharehub.search import engine

    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)
    if not statements:
        return
    SearchEntry = apps.get_model("search", "SearchEntry")
    entries = SearchEntry.objects.order_by("pk").values_list(
        "pk", "content_type_id", "title_terms", "terms", "areas"
    )
    last = 0
    while chunk := list(entries.filter(pk__gt=last)[:CHUNK]):
        engine.write_impacts(
            [
                engine.FulltextRow(pk, ct, title_terms, terms, "", "", areas)
                for pk, ct, title_terms, terms, areas in chunk
            ]
        )
        last = chunk[-1][0]


def backward(apps, schema_editor):
    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0009_pg_document_kind_index")]

    operations = [migrations.RunPython(forward, backward)]
