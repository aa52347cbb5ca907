"""Kept counts under the kept pages' versions (core.counts): the version row goes, and with it
every count kept under it."""

from django.db import migrations, models


def forget_counts(apps, schema_editor):
    apps.get_model("directory", "ListingCount").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0006_listing_counts"),
        ("core", "0006_pageversion_shards"),
    ]

    operations = [
        migrations.RunPython(forget_counts, migrations.RunPython.noop),
        migrations.RemoveField(model_name="listingcount", name="version"),
        migrations.AddField(
            model_name="listingcount", name="versions", field=models.TextField(default="")
        ),
    ]
