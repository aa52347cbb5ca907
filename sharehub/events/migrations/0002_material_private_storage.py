import sharehub.core.uploads
import sharehub.events.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="eventmaterial",
            name="file",
            field=models.FileField(
                blank=True,
                max_length=200,
                storage=sharehub.core.uploads.private_storage,
                upload_to=sharehub.events.models.material_path,
                verbose_name="file",
            ),
        ),
        migrations.AddField(
            model_name="eventmaterial",
            name="original_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="file name"),
        ),
        migrations.AddField(
            model_name="eventmaterial",
            name="content_type",
            field=models.CharField(blank=True, max_length=100, verbose_name="file type"),
        ),
    ]
