"""No two active bookings of one space overlap, on PostgreSQL by the database itself: an exclusion
constraint over (space, time range) with btree_gist. SQLite has no such constraint; there the
booking service checks inside an IMMEDIATE write transaction (DESIGN §4). The WHERE clause names
`models.ACTIVE_STATUSES`."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE facilities_booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist (
    space_id WITH =,
    tstzrange(starts_at, ends_at, '[)') WITH &&
) WHERE (status IN ('requested', 'held', 'confirmed'));
"""
DROP = "ALTER TABLE facilities_booking DROP CONSTRAINT IF EXISTS booking_no_overlap;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
