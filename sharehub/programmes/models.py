"""Support programmes (공유촉진사업): the city's calls for grants and other support, the
applications organizations send, their review, the committee's decision, the awards and the
reports awarded projects owe.

A call (`Call`) is published by city staff with its tracks (지정공모 themed, 자유공모 free), the
form applicants fill (`FormField`), the criteria reviewers score (`Criterion`, weights summing to
100) and its documents. An eligible organization's members apply (draft → submitted, with a
receipt number, until the deadline; withdrawn). Staff screen eligibility (ineligible, with
reasons), assign reviewers, who declare any conflict of interest first (`ReviewAssignment`) and
score each criterion 0–5 blind (`ReviewScore`); the committee votes with the same committee step
as designation (`CommitteeDecision`, `designation.committee_votes`), and staff decide: awarded with
an amount (`Award`), waitlisted or rejected. The database keeps the sum of a call's awards within
its budget (`Call.awarded_total`, checked, moved only by F() updates under the call's lock) and
each award within its cap (copied on the award and checked). Awarded projects owe an interim and
a final report (`Report`).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sharehub.core.uploads import private_storage
from sharehub.core.urlmemo import reverse
from sharehub.designation.models import CommitteeVote, YearlyCounter

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TEXT_LIMIT = 20_000
REASON_LIMIT = 2000
SCORE_MAX = 5  # Hypha's 0–5 per criterion


class CallKind(models.TextChoices):
    GRANT = "grant", _("Grant")
    CONSULTING = "consulting", _("Consulting")
    SPACE = "space", pgettext_lazy("support kind", "Space")
    PROMOTION = "promotion", pgettext_lazy("support kind", "Promotion")


class CallPhase(models.TextChoices):
    """Where a published call stands, from its times (never stored)."""

    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", pgettext_lazy("call", "Open")
    CLOSED = "closed", pgettext_lazy("call", "Closed")


class Call(models.Model):
    """A call for applications (공모). Public once `published_at` is set; its phase follows
    `opens_at` and `closes_at` in the server's clock."""

    slug = models.SlugField(_("address name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)  # title_ko / title_en
    summary = models.TextField(
        _("summary"), max_length=500, blank=True, validators=[MaxLengthValidator(500)]
    )  # summary_ko / summary_en
    body = models.TextField(
        _("text"), blank=True, max_length=TEXT_LIMIT, validators=[MaxLengthValidator(TEXT_LIMIT)]
    )  # body_ko / body_en (rich text, sanitized)
    kind = models.CharField(_("kind"), max_length=20, choices=CallKind.choices)
    total_budget = models.PositiveBigIntegerField(_("total budget (won)"))
    award_cap = models.PositiveBigIntegerField(
        _("cap per award (won)"), validators=[MinValueValidator(1)]
    )
    # The sum of the call's awards, moved only by F() updates under the call's row lock; the
    # check constraint below makes the database refuse a sum over the budget.
    awarded_total = models.PositiveBigIntegerField(_("awarded so far (won)"), default=0)
    designated_only = models.BooleanField(
        _("designated organizations only"),
        default=True,
        help_text=_("Only organizations designated by the city may apply."),
    )
    # Empty: every kind of organization (and every district) may apply.
    organization_kinds = models.JSONField(_("kinds of organization"), default=list, blank=True)
    districts = models.ManyToManyField(
        "places.District", verbose_name=_("districts"), blank=True, related_name="+"
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    editable_after_submission = models.BooleanField(
        _("applications may be edited until the deadline"), default=True
    )
    reviews_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"), default=3, validators=[MinValueValidator(1)]
    )
    # Automatic transitions the call configures (Hypha users ask for them: hypha#2535).
    auto_review_when_screened = models.BooleanField(
        _("start the review when an application is screened eligible"), default=True
    )
    auto_committee_when_reviewed = models.BooleanField(
        _("send to the committee when all reviews are in"), default=True
    )
    committee = models.ForeignKey(
        "participation.Committee",
        verbose_name=_("committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the designation committee (공유촉진위원회)."),
    )
    interim_report_due = models.DateField(_("interim report due"), null=True, blank=True)
    final_report_due = models.DateField(_("final report due"), null=True, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        blank=True,
        related_name="programme_calls",
        help_text=_("City staff who run this call: they screen, assign reviewers and decide."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    if TYPE_CHECKING:
        title_ko: str | None
        title_en: str | None
        summary_ko: str | None
        summary_en: str | None
        body_ko: str | None
        body_en: str | None

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at", "-pk"]
        indexes = [models.Index(fields=["published_at", "closes_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="programmes_call_times"
            ),
            models.CheckConstraint(
                condition=Q(award_cap__lte=models.F("total_budget")),
                name="programmes_cap_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(awarded_total__lte=models.F("total_budget")),
                name="programmes_awards_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CallKind.values), name="programmes_call_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:call", kwargs={"slug": self.slug})

    def phase(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return CallPhase.UPCOMING
        if now < self.closes_at:
            return CallPhase.OPEN
        return CallPhase.CLOSED

    def phase_label(self) -> StrOrPromise:
        return CallPhase(self.phase()).label

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_open(self) -> bool:
        return self.is_published and self.phase() == CallPhase.OPEN

    @property
    def budget_left(self) -> int:
        return self.total_budget - self.awarded_total


class TrackKind(models.TextChoices):
    THEMED = "themed", _("Themed track (지정공모)")
    FREE = "free", _("Free track (자유공모)")


class Track(models.Model):
    """A track of a call: themed (the city names the themes) or free, with its own cap."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="tracks"
    )
    name = models.CharField(_("name"), max_length=120)  # name_ko / name_en
    kind = models.CharField(_("kind"), max_length=10, choices=TrackKind.choices)
    themes = models.TextField(
        _("themes"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )  # themes_ko / themes_en, one per line
    award_cap = models.PositiveBigIntegerField(
        _("cap per award (won)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: the call's cap."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    if TYPE_CHECKING:
        name_ko: str | None
        name_en: str | None
        themes_ko: str | None
        themes_en: str | None

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["call", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TrackKind.values), name="programmes_track_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def cap(self) -> int:
        return self.award_cap or self.call.award_cap


class FieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    MONEY = "money", _("Amount in won")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    FILE = "file", _("File")


class FormField(models.Model):
    """One question of a call's application form. Answers are kept in `Application.answers`
    under `key` (files in `ApplicationFile`); `forms.application_form` builds the form."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="fields"
    )
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("question"), max_length=200)  # label_ko / label_en
    help_text = models.CharField(_("help"), max_length=500, blank=True)  # help_text_ko / _en
    kind = models.CharField(_("kind"), max_length=20, choices=FieldKind.choices)
    required = models.BooleanField(_("required"), default=True)
    # text, long text: characters; number, money: the value; file: unused (the upload rules).
    min_value = models.BigIntegerField(_("minimum"), null=True, blank=True)
    max_value = models.BigIntegerField(_("maximum"), null=True, blank=True)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    # choice: one option per line, "value|한국어|English".
    choices = models.TextField(_("options"), blank=True, max_length=4000)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    if TYPE_CHECKING:
        label_ko: str | None
        label_en: str | None
        help_text_ko: str | None
        help_text_en: str | None

    class Meta:
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        ordering = ["call", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "key"], name="programmes_field_key_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=FieldKind.values), name="programmes_field_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="programmes_field_range",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Criterion(models.Model):
    """An evaluation criterion of a call; the weights of a call's criteria sum to 100
    (`services.calls`), each reviewer scores it 0–5."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("name"), max_length=150)  # name_ko / name_en
    description = models.TextField(
        _("description"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )  # description_ko / description_en
    weight = models.PositiveSmallIntegerField(_("weight (%)"), validators=[MinValueValidator(1)])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    if TYPE_CHECKING:
        name_ko: str | None
        name_en: str | None
        description_ko: str | None
        description_en: str | None

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["call", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="programmes_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"


def call_document_path(instance: CallDocument, filename: str) -> str:
    return f"programmes/calls/{instance.call_id}/{filename}"


class CallDocument(models.Model):
    """A document of a call to download (guidelines, templates). Public with its published call,
    served by a view (the private storage has no public address)."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)  # title_ko / title_en
    file = models.FileField(
        _("file"), upload_to=call_document_path, storage=private_storage, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    if TYPE_CHECKING:
        title_ko: str | None
        title_en: str | None

    class Meta:
        verbose_name = _("call document")
        verbose_name_plural = _("call documents")
        ordering = ["call", "pk"]

    def __str__(self) -> str:
        return self.title


class CallFollow(models.Model):
    """A person following a call: reminded before its deadline (once, `reminded_at`)."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="follows"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="programme_follows",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("call follower")
        verbose_name_plural = _("call followers")
        constraints = [
            models.UniqueConstraint(fields=["call", "user"], name="programmes_one_follow"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.call}"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    INELIGIBLE = "ineligible", _("Ineligible")
    IN_REVIEW = "in_review", _("In review")
    COMMITTEE = "committee", _("Before the committee")
    AWARDED = "awarded", _("Awarded")
    WAITLISTED = "waitlisted", _("Waitlisted")
    REJECTED = "rejected", pgettext_lazy("application", "Not selected")


# An organization has one live application per call: a withdrawn one may be followed by another.
LIVE_STATUSES = [s for s in ApplicationStatus.values if s != ApplicationStatus.WITHDRAWN]
DECIDED_STATUSES = [
    ApplicationStatus.AWARDED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.REJECTED,
]


class Application(models.Model):
    """An organization's application to a call. Private to the organization's members, the
    call's staff and its reviewers without a declared conflict (`permissions.py`)."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    track = models.ForeignKey(
        Track, verbose_name=_("track"), on_delete=models.PROTECT, related_name="applications"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="programme_applications",
    )
    title = models.CharField(_("project title"), max_length=200)
    requested_amount = models.PositiveBigIntegerField(_("amount requested (won)"), default=0)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default="draft"
    )
    receipt_number = models.CharField(_("receipt number"), max_length=20, blank=True)
    # The submitted reviews, kept with the application under its lock (services.review), so the
    # ranked table orders by a column instead of aggregating every score on each request:
    # review_points is the sum of the reviews' weighted totals (Σ weight × score, 0–500 each),
    # review_mean their mean on the 0–5 scale (null without a review).
    reviews_submitted = models.PositiveSmallIntegerField(_("reviews submitted"), default=0)
    review_points = models.PositiveIntegerField(_("review points"), default=0)
    review_mean = models.FloatField(_("mean review score"), null=True, blank=True)
    screening_reason = models.TextField(
        _("screening reasons"),
        blank=True,
        max_length=REASON_LIMIT,
        validators=[MaxLengthValidator(REASON_LIMIT)],
    )
    decision_reason = models.TextField(
        _("reasons for the decision"),
        blank=True,
        max_length=REASON_LIMIT,
        validators=[MaxLengthValidator(REASON_LIMIT)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("screened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    screened_at = models.DateTimeField(_("screened at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["call", "status"]),
            models.Index(fields=["call", "review_mean"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "organization"],
                condition=~Q(status="withdrawn"),
                name="programmes_one_live_application",
            ),
            models.UniqueConstraint(
                fields=["receipt_number"],
                condition=~Q(receipt_number=""),
                name="programmes_receipt_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values),
                name="programmes_application_status_valid",
            ),
            # A withdrawn draft was never submitted.
            models.CheckConstraint(
                condition=Q(status__in=["draft", "withdrawn"]) | Q(submitted_at__isnull=False),
                name="programmes_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:application", kwargs={"pk": self.pk})


def application_file_path(instance: ApplicationFile, filename: str) -> str:
    # `filename` is already random (core.uploads); the folder groups one application.
    return f"programmes/applications/{instance.application_id}/{filename}"


class ApplicationFile(models.Model):
    """The file answering one file question of an application (private storage)."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="files"
    )
    key = models.SlugField(_("key"), max_length=40)
    file = models.FileField(
        _("file"), upload_to=application_file_path, storage=private_storage, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
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
        verbose_name = _("application file")
        verbose_name_plural = _("application files")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "key"], name="programmes_one_file_per_key"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class ReceiptCounter(YearlyCounter):
    """Application receipt numbers (지원-2026-0001 is shown; stored 2026-0001)."""

    class Meta:
        verbose_name = _("receipt number counter")
        verbose_name_plural = _("receipt number counters")


class Conflict(models.TextChoices):
    UNDECLARED = "undeclared", _("Not declared yet")
    NONE = "none", _("No conflict")
    DECLARED = "declared", _("Conflict declared")


class ReviewAssignment(models.Model):
    """A reviewer assigned to an application. The reviewer first declares any conflict of
    interest: a declared conflict removes them from the application (they see nothing more of
    it). Scores stay hidden from them until they submit their own review."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    # Null once the reviewer's account is deleted: the review stays with the decision it informed.
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="programme_reviews",
    )
    conflict = models.CharField(
        _("conflict of interest"),
        max_length=12,
        choices=Conflict.choices,
        default=Conflict.UNDECLARED,
    )
    conflict_note = models.TextField(
        _("conflict statement"),
        blank=True,
        max_length=REASON_LIMIT,
        validators=[MaxLengthValidator(REASON_LIMIT)],
    )
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    comment = models.TextField(
        _("overall comment"),
        blank=True,
        max_length=TEXT_LIMIT,
        validators=[MaxLengthValidator(TEXT_LIMIT)],
    )
    submitted_at = models.DateTimeField(_("review submitted at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["application", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="programmes_one_assignment"
            ),
            models.CheckConstraint(
                condition=Q(conflict__in=Conflict.values), name="programmes_conflict_valid"
            ),
            # A conflicted reviewer never submits a review.
            models.CheckConstraint(
                condition=~Q(conflict="declared") | Q(submitted_at__isnull=True),
                name="programmes_no_review_when_conflicted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.application}"


class ReviewScore(models.Model):
    """A reviewer's score (0–5) and comment on one criterion."""

    assignment = models.ForeignKey(
        ReviewAssignment,
        verbose_name=_("review"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(
        _("comment"), blank=True, max_length=4000, validators=[MaxLengthValidator(4000)]
    )

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="programmes_one_score_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(score__lte=SCORE_MAX), name="programmes_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class CommitteeDecision(CommitteeVote):
    """The committee's vote on a programme application (designation's committee step)."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="committee_decisions",
    )

    class Meta(CommitteeVote.Meta):
        verbose_name = _("committee decision")
        verbose_name_plural = _("committee decisions")


class Award(models.Model):
    """An awarded application's amount. Public: the organization, the project, the amount, the
    date (the transparency list, CSV and 360Giving JSON). The cap in force is copied so the
    database refuses an award over it."""

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="award"
    )
    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="awards"
    )
    amount = models.PositiveBigIntegerField(_("amount (won)"), validators=[MinValueValidator(1)])
    cap = models.PositiveBigIntegerField(_("cap per award (won)"))
    awarded_on = models.DateField(_("awarded on"), default=timezone.localdate)
    # 360Giving's identifier: the city's prefix and a random part, stable once given.
    identifier = models.CharField(_("identifier"), max_length=40, unique=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-awarded_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=1), name="programmes_award_positive"),
            models.CheckConstraint(
                condition=Q(amount__lte=models.F("cap")), name="programmes_award_within_cap"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.amount:,}"

    @staticmethod
    def new_identifier() -> str:
        return secrets.token_hex(8)


class ReportKind(models.TextChoices):
    INTERIM = "interim", _("Interim report")
    FINAL = "final", _("Final report")


class ReportStatus(models.TextChoices):
    DUE = "due", _("Due")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    ACCEPTED = "accepted", pgettext_lazy("report", "Accepted")


def report_file_path(instance: Report, filename: str) -> str:
    return f"programmes/reports/{instance.award_id}/{filename}"


class Report(models.Model):
    """An interim or final report an awarded project owes by its due date."""

    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.CASCADE, related_name="reports"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DUE
    )
    body = models.TextField(
        _("report"), blank=True, max_length=TEXT_LIMIT, validators=[MaxLengthValidator(TEXT_LIMIT)]
    )
    spent = models.PositiveBigIntegerField(_("amount spent (won)"), null=True, blank=True)
    file = models.FileField(
        _("file"), upload_to=report_file_path, storage=private_storage, max_length=200, blank=True
    )
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
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
        _("staff's note"),
        blank=True,
        max_length=REASON_LIMIT,
        validators=[MaxLengthValidator(REASON_LIMIT)],
    )
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("project report")
        verbose_name_plural = _("project reports")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "kind"], name="programmes_one_report_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="programmes_report_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.award})"
