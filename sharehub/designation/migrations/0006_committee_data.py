"""The designation committee becomes one of participation's committees (DESIGN §4e).

For each of designation's committees: the participation committee whose slug is its code (made
when missing, with its Korean and English names and, for the default one, its remit), its seats
copied; every decision's committee pointed at it. Each step is a migration of its own (0005 adds
the column, this one fills it, 0007 drops designation's model): PostgreSQL alters no table that
has row updates pending in the same transaction.
"""

from django.db import migrations, models

from sharehub.designation.defaults import COMMITTEE, COMMITTEE_SLUG


def forwards(apps, schema_editor):
    Old = apps.get_model("designation", "Committee")
    New = apps.get_model("participation", "Committee")
    Decision = apps.get_model("designation", "CommitteeDecision")
    for old in Old.objects.order_by("pk"):
        new = New.objects.filter(slug=old.code).first()
        if new is None:
            remit = (
                {k: COMMITTEE[k] for k in ("remit_ko", "remit_en")}
                if old.code == COMMITTEE_SLUG
                else {"remit_ko": "", "remit_en": ""}
            )
            new = New.objects.create(
                slug=old.code,
                name=old.name_ko or old.name,
                name_ko=old.name_ko or old.name,
                name_en=old.name_en,
                remit=remit["remit_ko"],
                order=COMMITTEE["order"],
                seats=old.seats,
                **remit,
            )
        else:
            new.seats = old.seats
            new.name_ko = new.name_ko or old.name_ko or old.name
            new.name_en = new.name_en or old.name_en
            new.save(update_fields=["seats", "name_ko", "name_en"])
        Decision.objects.filter(committee_id=old.pk).update(new_committee=new)


def backwards(apps, schema_editor):
    Old = apps.get_model("designation", "Committee")
    New = apps.get_model("participation", "Committee")
    Decision = apps.get_model("designation", "CommitteeDecision")
    used = set(Decision.objects.values_list("new_committee_id", flat=True))
    for new in New.objects.filter(models.Q(pk__in=used) | models.Q(slug=COMMITTEE_SLUG)):
        old, _created = Old.objects.get_or_create(
            code=new.slug,
            defaults={
                "name": new.name_ko or new.name,
                "name_ko": new.name_ko or new.name,
                "name_en": new.name_en,
                "seats": new.seats or COMMITTEE["seats"],
            },
        )
        Decision.objects.filter(new_committee_id=new.pk).update(committee=old)


class Migration(migrations.Migration):
    dependencies = [("designation", "0005_committee_to_participation")]

    operations = [migrations.RunPython(forwards, backwards)]
