"""The names of what an entry offers (SearchDocument.names, a listing's services) and its
keywords (a listing's categories, an article's tags) as terms of their own, weighed apart in the
impact lists: names between the title and the body, keywords below the body; and the terms it
holds only as pieces across morphemes or spaces, weighed below the others. Existing entries
keep empty values until rebuilt: ANALYSIS_VERSION 3 marks them stale (`manage.py
reindex_search --stale`, run by `load_demo`)."""

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
        migrations.AddField(
            model_name="searchentry",
            name="keyword_terms",
            field=models.TextField(blank=True, default="", verbose_name="keyword terms"),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="piece_terms",
            field=models.TextField(blank=True, default="", verbose_name="piece terms"),
        ),
    ]
