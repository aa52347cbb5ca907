"""The designation committee becomes one of participation's committees (DESIGN §4e): the
decisions' column for it (0006 fills it; 0007 drops designation's model)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("designation", "0004_verification_code_unique"),
        ("participation", "0003_committee_seats_attachments"),
    ]

    operations = [
        migrations.AddField(
            model_name="committeedecision",
            name="new_committee",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="participation.committee",
                verbose_name="committee",
            ),
        ),
        migrations.AlterField(
            model_name="committeedecision",
            name="committee",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="designation.committee",
                verbose_name="committee",
            ),
        ),
    ]
