"""The names of what an entry offers (SearchDocument.names, a listing's services) as terms of
their own, weighed between the title and the body in the impact lists. Existing entries keep an
empty value until rebuilt: ANALYSIS_VERSION 3 marks them stale (`manage.py reindex_search
--stale`, run by `load_demo`)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0011_drop_title_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="names_terms",
            field=models.TextField(blank=True, default="", verbose_name="name terms"),
        ),
    ]
