"""A table's version becomes the sum of its rows (shards), keyed by (name, shard): issue 18's
rushes no longer queue on one version row per table. Django cannot change a primary key into a
composite one, so the new table is built beside the old, given its versions (as shard 0) and
renamed: a kept page's versions stay those of the database, never lower."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_pageversion"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageVersionShard",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "name",
                        "shard",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="table")),
                ("shard", models.SmallIntegerField(default=0, verbose_name="shard")),
                ("n", models.BigIntegerField(default=0, verbose_name="version")),
            ],
            options={
                "verbose_name": "page version",
                "verbose_name_plural": "page versions",
            },
        ),
        migrations.RunSQL(
            'INSERT INTO "core_pageversionshard" ("name", "shard", "n") '
            'SELECT "name", 0, "n" FROM "core_pageversion"',
            # Back: each table's sum, in the old table (re-created empty by then).
            'INSERT INTO "core_pageversion" ("name", "n") '
            'SELECT "name", SUM("n") FROM "core_pageversionshard" GROUP BY "name"',
        ),
        migrations.DeleteModel(name="PageVersion"),
        migrations.RenameModel(old_name="PageVersionShard", new_name="PageVersion"),
    ]
