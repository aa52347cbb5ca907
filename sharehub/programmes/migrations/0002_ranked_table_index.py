"""The ranked review table's order as an index, on PostgreSQL only.

The table reads a call's applications `ORDER BY review_mean DESC NULLS LAST, receipt_number, id`
(selectors.review.ranked). PostgreSQL walks this index in that order and stops at the page's 50
rows, where the (call, review_mean) index made it sort all of a call's applications first. SQLite
cannot write NULLS LAST in an index, so there the migration does nothing (its sort stays cheap at
the sizes SQLite serves).
"""

from django.db import migrations

NAME = "programmes_application_ranked"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON programmes_application "
            "(call_id, review_mean DESC NULLS LAST, receipt_number, id)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
