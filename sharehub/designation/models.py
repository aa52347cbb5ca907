"""Designation by the city: applications, their review, and the designations they lead to.

An organization applies (draft → submitted → under review → approved | rejected, with a detour
through changes requested → resubmitted); an approval creates a Designation with a number unique
across the city, valid for a number of years, that can be renewed, suspended or revoked.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .storage import private_storage

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TEXT_LIMIT = 10_000
REASON_LIMIT = 2000


class DesignationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Sharing enterprise")
    ORGANIZATION = "organization", _("Sharing organization")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# An organization has at most one application in these states at a time.
OPEN_STATUSES = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.CHANGES_REQUESTED,
    ApplicationStatus.RESUBMITTED,
)
# The applicant may change the text and the documents only while the application is theirs.
EDITABLE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED)


class ChecklistItem(models.TextChoices):
    NONPROFIT_PURPOSE = "nonprofit_purpose", _("Public-interest purpose")
    SHARING_ACTIVITY = "sharing_activity", _("Sharing is the main activity")
    SUSTAINABILITY = "sustainability", _("Sustainable operation plan")
    SEOUL_BASED = "seoul_based", _("Based and active in the city")
    DOCUMENTS_COMPLETE = "documents_complete", _("Documents complete")


def empty_checklist() -> dict[str, bool]:
    return dict.fromkeys(ChecklistItem.values, False)


class Application(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="designation_applications",
    )
    kind = models.CharField(_("designation sought"), max_length=20, choices=DesignationKind.choices)
    activities = models.TextField(
        _("sharing activities"), max_length=TEXT_LIMIT, validators=[MaxLengthValidator(TEXT_LIMIT)]
    )
    plan = models.TextField(
        _("operating plan"), max_length=TEXT_LIMIT, validators=[MaxLengthValidator(TEXT_LIMIT)]
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    is_renewal = models.BooleanField(_("renewal"), default=False)
    renews = models.ForeignKey(
        "Designation",
        verbose_name=_("designation renewed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewal_applications",
    )
    checklist = models.JSONField(_("review checklist"), default=empty_checklist, blank=True)
    decision_reason = models.TextField(
        _("reason for the decision"),
        blank=True,
        max_length=REASON_LIMIT,
        validators=[MaxLengthValidator(REASON_LIMIT)],
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("designation application")
        verbose_name_plural = _("designation applications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(status__in=OPEN_STATUSES),
                name="designation_one_open_application",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values),
                name="designation_application_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DesignationKind.values),
                name="designation_application_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(is_renewal=False, renews__isnull=True)
                | Q(is_renewal=True, renews__isnull=False),
                name="designation_renewal_names_designation",
            ),
        ]
        indexes = [models.Index(fields=["status", "-submitted_at"])]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("designation:application", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def checklist_items(self) -> list[tuple[str, StrOrPromise, bool]]:
        """(value, label, checked) for every item, in the fixed order, whatever the JSON holds."""
        data = self.checklist or {}
        return [(value, label, bool(data.get(value))) for value, label in ChecklistItem.choices]

    @property
    def checklist_complete(self) -> bool:
        return all(checked for _value, _label, checked in self.checklist_items())


def document_path(instance: ApplicationDocument, filename: str) -> str:
    # `filename` is already random (documents.check_document); the folder groups one application.
    return f"designation/{instance.application_id}/{filename}"


class ApplicationDocument(models.Model):
    """A file sent with an application. Stored outside the public media, under a random name;
    only the organization's members and city staff download it, through a checked view."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    file = models.FileField(
        _("file"), upload_to=document_path, storage=private_storage, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("designation:document", kwargs={"pk": self.pk})


class ReviewComment(models.Model):
    """A message on an application. Internal notes are for city staff only; the others are a
    conversation with the applicant, who may answer in it."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(
        _("comment"), max_length=REASON_LIMIT, validators=[MaxLengthValidator(REASON_LIMIT)]
    )
    internal = models.BooleanField(
        _("internal note"), default=False, help_text=_("Only city staff see internal notes.")
    )
    by_staff = models.BooleanField(_("written by city staff"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(internal=False) | Q(by_staff=True),
                name="designation_internal_comment_by_staff",
            )
        ]

    def __str__(self) -> str:
        return self.body[:60]


class DesignationStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("designation", "Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", pgettext_lazy("designation", "Revoked")
    EXPIRED = "expired", _("Expired")
    RENEWED = "renewed", _("Replaced by a renewal")


class Designation(models.Model):
    """The city's designation of one organization, valid from `designated_on` to `valid_until`
    (inclusive). A date past `valid_until` makes it expired even before the daily task marks it."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="designations",
    )
    number = models.CharField(_("designation number"), max_length=20, unique=True)
    kind = models.CharField(_("designated as"), max_length=20, choices=DesignationKind.choices)
    designated_on = models.DateField(_("designated on"))
    valid_until = models.DateField(_("valid until"))
    conditions = models.TextField(
        _("conditions"),
        blank=True,
        max_length=TEXT_LIMIT,
        validators=[MaxLengthValidator(TEXT_LIMIT)],
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DesignationStatus.choices,
        default=DesignationStatus.ACTIVE,
    )
    status_reason = models.TextField(
        _("reason for the status"),
        blank=True,
        max_length=REASON_LIMIT,
        validators=[MaxLengthValidator(REASON_LIMIT)],
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="designation",
    )
    renewed_by = models.OneToOneField(
        "self",
        verbose_name=_("renewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renews_designation",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        ordering = ["-designated_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("designated_on")),
                name="designation_valid_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DesignationStatus.values), name="designation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DesignationKind.values), name="designation_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(status="active"),
                name="designation_one_active_per_organization",
            ),
        ]
        indexes = [models.Index(fields=["status", "valid_until"])]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("designation:detail", kwargs={"number": self.number})

    def effective_status(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.status == DesignationStatus.ACTIVE and self.valid_until < today:
            return DesignationStatus.EXPIRED
        return self.status

    def get_effective_status_display(self) -> str:
        return str(DesignationStatus(self.effective_status()).label)

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (
            self.status == DesignationStatus.ACTIVE
            and self.designated_on <= today <= self.valid_until
        )


class NumberCounter(models.Model):
    """The last designation number given in a year; its row lock makes numbers unique and gapless."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("designation number counter")
        verbose_name_plural = _("designation number counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Reminder(models.Model):
    """One expiry reminder sent for a designation; the unique row is claimed before notifying,
    so running the daily task twice (or on two workers) sends each reminder once."""

    designation = models.ForeignKey(
        Designation,
        verbose_name=_("designation"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    days_before = models.PositiveSmallIntegerField(_("days before expiry"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["designation", "days_before"], name="designation_one_reminder_per_offset"
            )
        ]

    def __str__(self) -> str:
        return f"{self.designation} −{self.days_before}d"
