"""The city's defaults as data (stages, score sheet, committee), and what older rows lacked.

- Review stages: document review → site visit → presentation → committee (Seoul's procedure).
- Score sheet: the organization 50 points and its sharing value 50, in four criteria each.
- The sharing promotion committee, 15 seats (the ordinance's maximum, chair included).
- Applications made before: their applicant type from the organization's kind, a receipt number
  and deadline if they were submitted, the first stage if under review.
- Designations: a verification code each; their audit entries name their number (the history
  read "(제호)" without it).
"""

import datetime
import secrets

from django.conf import settings
from django.db import migrations

from sharehub.designation.defaults import install_defaults

FIRST_TYPE = {
    "enterprise": "company",
    "cooperative": "cooperative",
    "nonprofit": "nonprofit_corporation",
    "community": "nonprofit_group",
}
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def forwards(apps, schema_editor):
    ReviewStage = apps.get_model("designation", "ReviewStage")
    ScoreCriterion = apps.get_model("designation", "ScoreCriterion")
    Committee = apps.get_model("designation", "Committee")
    Application = apps.get_model("designation", "Application")
    Designation = apps.get_model("designation", "Designation")
    ReceiptCounter = apps.get_model("designation", "ReceiptCounter")
    AuditEntry = apps.get_model("core", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")

    install_defaults(ReviewStage, ScoreCriterion)
    # The committee as this migration made it (designation's own, until 0005 moves it to
    # participation's committees).
    Committee.objects.get_or_create(
        code="sharing-promotion",
        defaults={
            "name": "공유촉진위원회",
            "name_ko": "공유촉진위원회",
            "name_en": "Sharing Promotion Committee",
            "seats": 15,
        },
    )

    first_stage = ReviewStage.objects.get(code="document_review")
    days = int(getattr(settings, "SHAREHUB_DESIGNATION_PROCESSING_DAYS", 60))
    counters: dict[int, int] = {}
    applications = Application.objects.select_related("organization").order_by("submitted_at", "pk")
    for application in applications:
        fields = []
        if not application.applicant_type:
            application.applicant_type = FIRST_TYPE.get(application.organization.kind, "")
            fields.append("applicant_type")
        if application.submitted_at and not application.receipt_number:
            year = application.submitted_at.year
            counters[year] = counters.get(year, 0) + 1
            application.receipt_number = f"{year}-{counters[year]:04d}"
            application.due_on = application.submitted_at.date() + datetime.timedelta(days=days)
            fields += ["receipt_number", "due_on"]
        if application.status == "under_review" and application.stage_id is None:
            application.stage = first_stage
            fields.append("stage")
        if fields:
            application.save(update_fields=fields)
    for year, last in counters.items():
        ReceiptCounter.objects.update_or_create(year=year, defaults={"last": last})

    used = set()
    for designation in Designation.objects.filter(verification_code__isnull=True):
        code = "".join(secrets.choice(ALPHABET) for _ in range(16))
        while code in used:
            code = "".join(secrets.choice(ALPHABET) for _ in range(16))
        used.add(code)
        designation.verification_code = code
        designation.save(update_fields=["verification_code"])

    content_type = ContentType.objects.filter(app_label="designation", model="designation").first()
    if content_type is not None:
        numbers = dict(Designation.objects.values_list("pk", "number"))
        entries = AuditEntry.objects.filter(
            content_type=content_type, action__startswith="designation."
        )
        for entry in entries:
            data = dict(entry.data or {})
            number = numbers.get(int(entry.object_id)) if entry.object_id.isdigit() else None
            if number and not data.get("number"):
                data["number"] = number
                entry.data = data
                entry.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("designation", "0002_review_stages_scores_committee_reports"),
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
