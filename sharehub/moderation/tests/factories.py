from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from sharehub.moderation.models import Report, ReportReason


def make_report(*, obj, reporter, reason: str = ReportReason.SPAM, details: str = "") -> Report:
    """A report row straight in the database, for tests that are not about filing one."""
    return Report.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        reporter=reporter,
        reason=reason,
        details=details,
    )
