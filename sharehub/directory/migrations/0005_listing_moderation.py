# Listings get a moderation state; existing ones (the city's: demo, CSV import) stay public.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0004_price_not_listed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="moderated_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="moderated at"),
        ),
        migrations.AddField(
            model_name="listing",
            name="moderated_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="moderated by",
            ),
        ),
        migrations.AddField(
            model_name="listing",
            name="moderation_reason",
            field=models.TextField(blank=True, verbose_name="moderation reason"),
        ),
        migrations.AddField(
            model_name="listing",
            name="moderation_status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending review"),
                    ("published", "Published"),
                    ("rejected", "Rejected"),
                    ("hidden", "Hidden"),
                ],
                db_index=True,
                default="published",
                max_length=12,
                verbose_name="moderation status",
            ),
        ),
    ]
