"""A fresh install has the taxonomy: the fields of Seoul's sharing economy (city staff edit it)."""

from django.db import migrations

from sharehub.directory.taxonomy import SEED_CATEGORIES


def seed(apps, schema_editor):
    Category = apps.get_model("directory", "Category")
    for order, (slug, name_ko, name_en) in enumerate(SEED_CATEGORIES):
        Category.objects.get_or_create(
            slug=slug,
            defaults={"name": name_ko, "name_ko": name_ko, "name_en": name_en, "order": order * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
