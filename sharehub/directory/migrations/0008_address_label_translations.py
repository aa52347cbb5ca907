"""An address's place name in both languages (modeltranslation's label_ko / label_en): the one
label there was is Korean, as the hub's content is first, so it becomes label_ko."""

from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf


def label_to_korean(apps, schema_editor):
    addresses = apps.get_model("directory", "ListingAddress").objects
    addresses.exclude(label="").update(label_ko=F("label"))


def korean_to_label(apps, schema_editor):
    # Back to one column: the Korean text, edited since or not, is what it held; a place named
    # only in English since keeps that name.
    addresses = apps.get_model("directory", "ListingAddress").objects
    addresses.update(
        label=Coalesce(
            NullIf(F("label_ko"), Value("")), NullIf(F("label_en"), Value("")), Value("")
        )
    )


def _label() -> models.CharField:
    return models.CharField(
        blank=True,
        help_text="For example: main office, around Gwangjin-gu.",
        max_length=80,
        null=True,
        verbose_name="place name",
    )


class Migration(migrations.Migration):
    dependencies = [("directory", "0007_counts_on_page_versions")]

    operations = [
        migrations.AddField(model_name="listingaddress", name="label_en", field=_label()),
        migrations.AddField(model_name="listingaddress", name="label_ko", field=_label()),
        migrations.AlterField(
            model_name="listingaddress",
            name="label",
            field=models.CharField(
                blank=True,
                help_text="For example: main office, around Gwangjin-gu.",
                max_length=80,
                verbose_name="place name",
            ),
        ),
        migrations.RunPython(label_to_korean, korean_to_label),
    ]
