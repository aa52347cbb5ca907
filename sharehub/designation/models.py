"""Designation by the city: applications, their review, and the designations they lead to.

An organization applies (draft → submitted → under review → approved | rejected, with a detour
through changes requested → resubmitted). Submission gives the application its receipt number
(접수번호) and processing deadline. The review passes through the stages the city configures
(`ReviewStage`: by default document review → site visit → presentation → committee), with a score
sheet on the city's criteria (`ScoreCriterion`, `Score`) and the vote of the committee, one of
participation's committees (`CommitteeDecision`); an approval creates a Designation with a number unique across the city,
valid for a number of years, that can be renewed, suspended or revoked, carries a verification
code printed on its certificate, and asks for an activity report every designation year
(`AnnualReport`).
"""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sharehub.organizations.models import OrganizationKind

from .storage import private_storage

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TEXT_LIMIT = 10_000
REASON_LIMIT = 2000


class DesignationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Sharing enterprise")
    ORGANIZATION = "organization", _("Sharing organization")


class ApplicantType(models.TextChoices):
    """What the ordinance designates: small businesses, social enterprises, cooperatives and
    non-profits. A refinement of the organization's kind (`TYPES_OF_KIND`)."""

    COMPANY = "company", _("Small business")
    SOCIAL_ENTERPRISE = "social_enterprise", _("Social enterprise")
    COOPERATIVE = "cooperative", _("Cooperative")
    NONPROFIT_CORPORATION = "nonprofit_corporation", _("Non-profit corporation")
    NONPROFIT_GROUP = "nonprofit_group", _("Non-profit group")


# The applicant types open to each kind of organization; a public body is not designated.
TYPES_OF_KIND: dict[str, tuple[ApplicantType, ...]] = {
    OrganizationKind.ENTERPRISE: (ApplicantType.COMPANY, ApplicantType.SOCIAL_ENTERPRISE),
    OrganizationKind.COOPERATIVE: (ApplicantType.COOPERATIVE, ApplicantType.SOCIAL_ENTERPRISE),
    OrganizationKind.NONPROFIT: (
        ApplicantType.NONPROFIT_CORPORATION,
        ApplicantType.NONPROFIT_GROUP,
        ApplicantType.SOCIAL_ENTERPRISE,
    ),
    OrganizationKind.COMMUNITY: (ApplicantType.NONPROFIT_GROUP,),
    OrganizationKind.PUBLIC: (),
}
# A business is designated as a sharing enterprise, a non-profit as a sharing organization; social
# enterprises and cooperatives (a social cooperative is a non-profit) may be either.
KINDS_OF_TYPE: dict[str, tuple[DesignationKind, ...]] = {
    ApplicantType.COMPANY: (DesignationKind.ENTERPRISE,),
    ApplicantType.SOCIAL_ENTERPRISE: (DesignationKind.ENTERPRISE, DesignationKind.ORGANIZATION),
    ApplicantType.COOPERATIVE: (DesignationKind.ENTERPRISE, DesignationKind.ORGANIZATION),
    ApplicantType.NONPROFIT_CORPORATION: (DesignationKind.ORGANIZATION,),
    ApplicantType.NONPROFIT_GROUP: (DesignationKind.ORGANIZATION,),
}


class RegistrationType(models.TextChoices):
    BUSINESS = "business", _("Business registration number")
    NONPROFIT = "nonprofit", _("Non-profit registration number")


# Businesses hold a business registration number; non-profits either one.
REGISTRATIONS_OF_TYPE: dict[str, tuple[RegistrationType, ...]] = {
    ApplicantType.COMPANY: (RegistrationType.BUSINESS,),
    ApplicantType.SOCIAL_ENTERPRISE: (RegistrationType.BUSINESS,),
    ApplicantType.COOPERATIVE: (RegistrationType.BUSINESS,),
    ApplicantType.NONPROFIT_CORPORATION: (RegistrationType.NONPROFIT, RegistrationType.BUSINESS),
    ApplicantType.NONPROFIT_GROUP: (RegistrationType.NONPROFIT, RegistrationType.BUSINESS),
}


class DocumentType(models.TextChoices):
    BUSINESS_PLAN = "business_plan", _("Business plan")
    ARTICLES = "articles", _("Articles of association or bylaws")
    REGISTRY = "registry", _("Registry extract or equivalent")
    REGISTRATION_CERTIFICATE = (
        "registration_certificate",
        _("Business or non-profit registration certificate"),
    )
    ACTIVITY_RECORD = "activity_record", _("Record of sharing activities")
    OTHER = "other", _("Other document")


# The documents each applicant type must attach before submitting. A non-profit group has no
# registry entry: its bylaws and registration certificate stand for it.
REQUIRED_DOCUMENTS: dict[str, tuple[DocumentType, ...]] = {
    ApplicantType.COMPANY: (
        DocumentType.BUSINESS_PLAN,
        DocumentType.REGISTRY,
        DocumentType.REGISTRATION_CERTIFICATE,
        DocumentType.ACTIVITY_RECORD,
    ),
    **dict.fromkeys(
        (
            ApplicantType.SOCIAL_ENTERPRISE,
            ApplicantType.COOPERATIVE,
            ApplicantType.NONPROFIT_CORPORATION,
        ),
        (
            DocumentType.BUSINESS_PLAN,
            DocumentType.ARTICLES,
            DocumentType.REGISTRY,
            DocumentType.REGISTRATION_CERTIFICATE,
            DocumentType.ACTIVITY_RECORD,
        ),
    ),
    ApplicantType.NONPROFIT_GROUP: (
        DocumentType.BUSINESS_PLAN,
        DocumentType.ARTICLES,
        DocumentType.REGISTRATION_CERTIFICATE,
        DocumentType.ACTIVITY_RECORD,
    ),
}


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
# With the city: the processing deadline runs (it stops while changes are requested).
REVIEW_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.RESUBMITTED,
)


class ChecklistItem(models.TextChoices):
    NONPROFIT_PURPOSE = "nonprofit_purpose", _("Public-interest purpose")
    SHARING_ACTIVITY = "sharing_activity", _("Sharing is the main activity")
    SUSTAINABILITY = "sustainability", _("Sustainable operation plan")
    SEOUL_BASED = "seoul_based", _("Based and active in the city")
    DOCUMENTS_COMPLETE = "documents_complete", _("Documents complete")


def empty_checklist() -> dict[str, bool]:
    return dict.fromkeys(ChecklistItem.values, False)


class ReviewStage(models.Model):
    """One step of the review, in the order the city sets. The committee stage is where the
    committee votes (at most one); an application is approved at the last active stage."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)  # name_ko / name_en
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_committee = models.BooleanField(
        _("committee stage"),
        default=False,
        help_text=_("The committee votes at this stage; only one stage can be the committee's."),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("review stage")
        verbose_name_plural = _("review stages")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_committee"],
                condition=Q(is_committee=True),
                name="designation_one_committee_stage",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ScoreSection(models.TextChoices):
    ORGANIZATION = "organization", _("Organization")
    SHARING_VALUE = "sharing_value", _("Sharing value")


class ScoreCriterion(models.Model):
    """One line of the city's score sheet; its maximum is its weight (by default the
    organization's criteria total 50 points and the sharing value's 50)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    section = models.CharField(_("section"), max_length=20, choices=ScoreSection.choices)
    name = models.CharField(_("name"), max_length=150)  # name_ko / name_en
    max_points = models.PositiveSmallIntegerField(
        _("maximum points"), validators=[MinValueValidator(1)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("score criterion")
        verbose_name_plural = _("score criteria")
        ordering = ["section", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_points__gte=1), name="designation_criterion_max_positive"
            ),
            models.CheckConstraint(
                condition=Q(section__in=ScoreSection.values),
                name="designation_criterion_section_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="designation_applications",
    )
    kind = models.CharField(_("designation sought"), max_length=20, choices=DesignationKind.choices)
    applicant_type = models.CharField(
        _("type of organization"), max_length=30, choices=ApplicantType.choices, blank=True
    )
    representative = models.CharField(_("representative"), max_length=100, blank=True)
    registration_type = models.CharField(
        _("registration number type"),
        max_length=20,
        choices=RegistrationType.choices,
        blank=True,
    )
    registration_number = models.CharField(_("registration number"), max_length=12, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    sharing_since = models.DateField(_("sharing activity since"), null=True, blank=True)
    members_count = models.PositiveIntegerField(_("number of members"), null=True, blank=True)
    staff_count = models.PositiveIntegerField(_("number of staff"), null=True, blank=True)
    budget_last_year = models.PositiveBigIntegerField(
        _("last year's budget (won)"), null=True, blank=True
    )
    activities = models.TextField(
        _("sharing activities"), max_length=TEXT_LIMIT, validators=[MaxLengthValidator(TEXT_LIMIT)]
    )
    plan = models.TextField(
        _("operating plan"), max_length=TEXT_LIMIT, validators=[MaxLengthValidator(TEXT_LIMIT)]
    )
    receipt_number = models.CharField(_("receipt number"), max_length=20, blank=True)
    due_on = models.DateField(_("processing deadline"), null=True, blank=True)
    changes_requested_at = models.DateTimeField(_("changes requested at"), null=True, blank=True)
    stage = models.ForeignKey(
        ReviewStage,
        verbose_name=_("review stage"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
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
            models.CheckConstraint(
                condition=Q(applicant_type="") | Q(applicant_type__in=ApplicantType.values),
                name="designation_applicant_type_valid",
            ),
            models.UniqueConstraint(
                fields=["receipt_number"],
                condition=~Q(receipt_number=""),
                name="designation_unique_receipt_number",
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

    def required_documents(self) -> tuple[DocumentType, ...]:
        return REQUIRED_DOCUMENTS.get(self.applicant_type, ())

    @property
    def is_overdue(self) -> bool:
        return (
            self.due_on is not None
            and self.status in REVIEW_STATUSES
            and self.due_on < timezone.localdate()
        )


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
    document_type = models.CharField(
        _("document type"),
        max_length=30,
        choices=DocumentType.choices,
        default=DocumentType.OTHER,
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
        constraints = [
            models.CheckConstraint(
                condition=Q(document_type__in=DocumentType.values),
                name="designation_document_type_valid",
            )
        ]

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


# Crockford's base 32 without the letters people confuse (I, L, O, U): 16 characters, 80 bits.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16


def new_verification_code() -> str:
    """A random code printed on the certificate; only the register can tell whether it exists."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_verification_code(value: str) -> str:
    """What a person types (lower case, hyphens, spaces, O for 0) as the stored code."""
    cleaned = "".join(char for char in (value or "").upper() if char.isalnum())
    return cleaned.translate(str.maketrans("OIL", "011"))


def format_verification_code(code: str) -> str:
    """ABCD-EFGH-JKMN-PQRS, as printed."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


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
    verification_code = models.CharField(
        _("verification code"),
        max_length=CODE_LENGTH,
        unique=True,
        default=new_verification_code,
        editable=False,
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

    @property
    def printed_code(self) -> str:
        return format_verification_code(self.verification_code)


class YearlyCounter(models.Model):
    """The last number given in a year; its row lock makes the numbers unique and gapless
    (`services._next_in_year`)."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class NumberCounter(YearlyCounter):
    """Designation numbers (2026-0001)."""

    class Meta:
        verbose_name = _("designation number counter")
        verbose_name_plural = _("designation number counters")


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


class ReceiptCounter(YearlyCounter):
    """Application receipt numbers (2026-0001)."""

    class Meta:
        verbose_name = _("receipt number counter")
        verbose_name_plural = _("receipt number counters")


class Score(models.Model):
    """The points an application earns on one criterion. The criterion's maximum is copied, so
    the database itself refuses more points than the sheet allowed when they were given."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        ScoreCriterion,
        verbose_name=_("criterion"),
        on_delete=models.PROTECT,
        related_name="scores",
    )
    points = models.PositiveSmallIntegerField(_("points"))
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scored by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scored_at = models.DateTimeField(_("scored at"), default=timezone.now)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"], name="designation_one_score_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(points__lte=models.F("max_points")),
                name="designation_score_within_maximum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.points}/{self.max_points}"


class CommitteeOutcome(models.TextChoices):
    APPROVED = "approved", pgettext_lazy("committee", "Approved")
    NOT_APPROVED = "not_approved", _("Not approved")


class CommitteeVote(models.Model):
    """A committee's vote at one meeting on one matter: the committee step shared by designation
    and the support programmes (`committee_votes.record_vote` validates and saves it; the quorum
    rule: `committee.py`). A concrete vote adds the matter it decides (a foreign key). Votes and
    attendance are the city's internal record; the applicant learns the decision."""

    # One of participation's committees (the 공유촉진위원회 by default: `defaults.COMMITTEE`).
    committee = models.ForeignKey(
        "participation.Committee",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="%(app_label)s_decisions",
    )
    meeting_on = models.DateField(_("meeting date"))
    seats = models.PositiveSmallIntegerField(_("members (seats)"))
    members_present = models.PositiveSmallIntegerField(_("members present"))
    attendees = models.TextField(
        _("members present (names)"),
        blank=True,
        max_length=REASON_LIMIT,
        validators=[MaxLengthValidator(REASON_LIMIT)],
    )
    votes_for = models.PositiveSmallIntegerField(_("votes for"))
    votes_against = models.PositiveSmallIntegerField(_("votes against"))
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=CommitteeOutcome.choices)
    note = models.TextField(
        _("minutes"), blank=True, max_length=TEXT_LIMIT, validators=[MaxLengthValidator(TEXT_LIMIT)]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-meeting_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(members_present__lte=models.F("seats")),
                name="%(app_label)s_present_within_seats",
            ),
            models.CheckConstraint(
                condition=Q(
                    members_present__gte=models.F("votes_for")
                    + models.F("votes_against")
                    + models.F("votes_abstain")
                ),
                name="%(app_label)s_votes_within_present",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=CommitteeOutcome.values),
                name="%(app_label)s_committee_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} {self.meeting_on}: {self.get_outcome_display()}"


class CommitteeDecision(CommitteeVote):
    """The committee's vote on a designation application."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="committee_decisions",
    )

    class Meta(CommitteeVote.Meta):
        verbose_name = _("committee decision")
        verbose_name_plural = _("committee decisions")


class ReportStatus(models.TextChoices):
    DUE = "due", _("Due")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    ACCEPTED = "accepted", pgettext_lazy("report", "Accepted")


def report_document_path(instance: AnnualReport, filename: str) -> str:
    return f"designation/reports/{instance.designation_id}/{filename}"


class AnnualReport(models.Model):
    """The activity report of one designation year, due some days after the year ends. The
    organization's owners send it; city staff accept it or ask for changes. `reminded_at` is the
    claim of its one reminder (a conditional update: sent once however many workers run)."""

    designation = models.ForeignKey(
        Designation,
        verbose_name=_("designation"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    year = models.PositiveSmallIntegerField(_("designation year"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DUE
    )
    summary = models.TextField(
        _("activities of the year"),
        blank=True,
        max_length=TEXT_LIMIT,
        validators=[MaxLengthValidator(TEXT_LIMIT)],
    )
    beneficiaries = models.PositiveIntegerField(_("people reached"), null=True, blank=True)
    document = models.FileField(
        _("report file"),
        upload_to=report_document_path,
        storage=private_storage,
        max_length=200,
        blank=True,
    )
    document_name = models.CharField(_("file name"), max_length=200, blank=True)
    document_type = models.CharField(_("file type"), max_length=100, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(
        _("review note"),
        blank=True,
        max_length=REASON_LIMIT,
        validators=[MaxLengthValidator(REASON_LIMIT)],
    )
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("annual activity report")
        verbose_name_plural = _("annual activity reports")
        ordering = ["designation", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["designation", "year"], name="designation_one_report_per_year"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="designation_report_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="designation_report_period_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.designation} · {self.year}"

    def get_absolute_url(self) -> str:
        return reverse(
            "designation:report",
            kwargs={"number": self.designation.number, "year": self.year},
        )

    @property
    def is_open(self) -> bool:
        return self.status in (ReportStatus.DUE, ReportStatus.CHANGES_REQUESTED)

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()
