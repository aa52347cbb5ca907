"""The rules of an application that are not a step: the city's numbers (settings), the six months of
sharing activity, what a complete application holds, and which details go together. The services
enforce them; the pages ask the same functions to show what is still missing."""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sharehub.core.validators import (
    format_registration_number,
    validate_business_number,
    validate_nonprofit_number,
)
from sharehub.organizations.models import Organization

from .models import (
    KINDS_OF_TYPE,
    REGISTRATIONS_OF_TYPE,
    TYPES_OF_KIND,
    ApplicantType,
    Application,
    DesignationKind,
    DocumentType,
    RegistrationType,
)

DEFAULT_PROCESSING_DAYS = 60
DEFAULT_MIN_ACTIVITY_MONTHS = 6
DEFAULT_REPORT_DAYS = 60
# An annual report can be sent from this many days before its designation year ends.
REPORT_OPENS_DAYS = 30
# A designation can be renewed from this many days before it ends (the first expiry reminder).
RENEWAL_WINDOW_DAYS = 90


def processing_days() -> int:
    """Days the city gives itself to decide, counted from the submission (the time an
    application waits for the applicant's changes is added)."""
    return int(getattr(settings, "SHAREHUB_DESIGNATION_PROCESSING_DAYS", DEFAULT_PROCESSING_DAYS))


def min_activity_months() -> int:
    return int(
        getattr(settings, "SHAREHUB_DESIGNATION_MIN_ACTIVITY_MONTHS", DEFAULT_MIN_ACTIVITY_MONTHS)
    )


def report_days() -> int:
    """Days after the end of a designation year by which its activity report is due."""
    return int(getattr(settings, "SHAREHUB_DESIGNATION_REPORT_DAYS", DEFAULT_REPORT_DAYS))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), the month's last day when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def latest_activity_start(today: datetime.date) -> datetime.date:
    """The last day sharing activity may have started for an application made `today`."""
    return add_months(today, -min_activity_months())


def applicant_types_for(organization: Organization) -> tuple[ApplicantType, ...]:
    return TYPES_OF_KIND.get(organization.kind, ())


def _labels(values: Any) -> str:
    return ", ".join(str(value.label) for value in values)


def check_details(
    application: Application, organization: Organization, today: datetime.date
) -> None:
    """Fill the defaults a detail implies (type from the organization's kind, designation sought
    from the type, number type from the applicant type), refuse details that do not go together,
    and write the registration number as 123-45-67890. Field errors, all at once."""
    errors: dict[str, list[str]] = {}
    allowed_types = applicant_types_for(organization)
    if not allowed_types:
        raise ValidationError(
            {
                "applicant_type": [
                    _(
                        "Public bodies are not designated: the city designates businesses, social "
                        "enterprises, cooperatives and non-profits."
                    )
                ]
            }
        )
    if not application.applicant_type:
        application.applicant_type = allowed_types[0]
    if application.applicant_type not in allowed_types:
        errors["applicant_type"] = [
            _("For this organization, choose one of: %(types)s.")
            % {"types": _labels(allowed_types)}
        ]
    else:
        kinds = KINDS_OF_TYPE[application.applicant_type]
        if not application.kind:
            application.kind = kinds[0]
        if application.kind not in DesignationKind.values:
            errors["kind"] = [_("Choose a sharing enterprise or a sharing organization.")]
        elif application.kind not in kinds:
            errors["kind"] = [
                _("A %(type)s is designated as: %(kinds)s.")
                % {
                    "type": ApplicantType(application.applicant_type).label,
                    "kinds": _labels(kinds),
                }
            ]
        registrations = REGISTRATIONS_OF_TYPE[application.applicant_type]
        if application.registration_number and not application.registration_type:
            application.registration_type = registrations[0]
        if application.registration_type and application.registration_type not in registrations:
            errors["registration_type"] = [
                _("A %(type)s gives its %(number)s.")
                % {
                    "type": ApplicantType(application.applicant_type).label,
                    "number": _labels(registrations),
                }
            ]
    if application.registration_number:
        validate = (
            validate_nonprofit_number
            if application.registration_type == RegistrationType.NONPROFIT
            else validate_business_number
        )
        try:
            validate(application.registration_number)
        except ValidationError as error:
            errors["registration_number"] = error.messages
        else:
            application.registration_number = format_registration_number(
                application.registration_number
            )
    for field in ("founded_on", "sharing_since"):
        day = getattr(application, field)
        if day is not None and day > today:
            errors[field] = [_("This date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)


def missing_documents(application: Application, present: set[str]) -> list[DocumentType]:
    return [kind for kind in application.required_documents() if kind not in present]


def submission_problems(application: Application, today: datetime.date) -> dict[str, list[str]]:
    """What stops the application from being submitted `today`, by field (empty when ready).
    One query: the types of its documents."""
    errors: dict[str, list[str]] = {}

    def missing(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not application.applicant_type:
        missing("applicant_type", _("Choose the type of organization."))
    if not application.representative:
        missing("representative", _("Enter the representative's name."))
    if not application.registration_number:
        missing("registration_number", _("Enter the business or non-profit registration number."))
    if application.founded_on is None:
        missing("founded_on", _("Enter the founding date."))
    if application.sharing_since is None:
        missing("sharing_since", _("Enter when the sharing activity started."))
    elif application.sharing_since > latest_activity_start(today):
        missing(
            "sharing_since",
            _(
                "The city designates organizations with at least %(months)s months of sharing "
                "activity: it must have started on or before %(date)s."
            )
            % {
                "months": min_activity_months(),
                "date": date_format(latest_activity_start(today), "DATE_FORMAT"),
            },
        )
    if application.members_count is None and application.staff_count is None:
        missing("members_count", _("Enter the number of members or of staff."))
    if application.budget_last_year is None:
        missing("budget_last_year", _("Enter last year's budget (0 if there was none)."))
    if not application.activities:
        missing("activities", _("Describe the organization's sharing activities."))
    if not application.plan:
        missing("plan", _("Describe the operating plan."))
    present = set(application.documents.values_list("document_type", flat=True))
    if not present and not application.required_documents():
        missing("file", _("Attach at least one document."))
    for kind in missing_documents(application, present):
        missing("file", _("Attach the required document: %(document)s.") % {"document": kind.label})
    return errors
