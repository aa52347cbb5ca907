from django.db import migrations, models

import sharehub.designation.models


class Migration(migrations.Migration):
    dependencies = [("designation", "0003_default_stages_criteria_committee")]

    operations = [
        migrations.AlterField(
            model_name="designation",
            name="verification_code",
            field=models.CharField(
                default=sharehub.designation.models.new_verification_code,
                editable=False,
                max_length=16,
                unique=True,
                verbose_name="verification code",
            ),
        )
    ]
