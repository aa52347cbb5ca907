"""Decisions now name participation's committee (0006 copied them); designation's committee goes.
A migration of its own: PostgreSQL alters no table with the row updates of 0006 pending."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("designation", "0006_committee_data")]

    operations = [
        migrations.RemoveField(model_name="committeedecision", name="committee"),
        migrations.RenameField(
            model_name="committeedecision", old_name="new_committee", new_name="committee"
        ),
        migrations.AlterField(
            model_name="committeedecision",
            name="committee",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="designation_decisions",
                to="participation.committee",
                verbose_name="committee",
            ),
        ),
        migrations.DeleteModel(name="Committee"),
    ]
