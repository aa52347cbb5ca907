"""Public spaces opened for sharing, their rules, and bookings.

A space's rules (opening hours, closures, how far ahead, durations, limits per person, fees and
refund bands) are data the managing office sets; `rules.py` reads them and `services.py` applies
them. No two active bookings of one space overlap, under any concurrency (DESIGN §4): on
PostgreSQL an exclusion constraint on the booking's time range (`btree_gist`, migration 0002), on
SQLite the booking's IMMEDIATE write transaction with the overlap check inside it.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TEXT_MAX = 4000


class FeeMode(models.TextChoices):
    FREE = "free", pgettext_lazy("fee", "Free of charge")
    PER_HOUR = "hour", pgettext_lazy("fee", "Per hour")
    PER_BLOCK = "block", pgettext_lazy("fee", "Per block of time")


class Confirmation(models.TextChoices):
    INSTANT = "instant", _("Confirmed at once")
    APPROVAL = "approval", _("Approved by the space's staff")


class Allocation(models.TextChoices):
    FIRST_COME = "first", _("First come, first served")
    LOTTERY = "lottery", _("Lottery drawn before the day")


class Eligibility(models.TextChoices):
    ANYONE = "anyone", _("Anyone")
    CITY = "city", _("Residents, workers or students of the city")
    ORGANIZATIONS = "organizations", _("Organizations only")


class Purpose(models.TextChoices):
    """What a space is booked for; a space excludes some (Seoul: never political, religious or
    commercial use)."""

    MEETING = "meeting", pgettext_lazy("booking purpose", "Meeting")
    EDUCATION = "education", pgettext_lazy("booking purpose", "Education or training")
    CULTURE = "culture", pgettext_lazy("booking purpose", "Culture or hobby")
    COMMUNITY = "community", pgettext_lazy("booking purpose", "Community or sharing activity")
    SPORTS = "sports", pgettext_lazy("booking purpose", "Sports")
    POLITICAL = "political", pgettext_lazy("booking purpose", "Political")
    RELIGIOUS = "religious", pgettext_lazy("booking purpose", "Religious")
    COMMERCIAL = "commercial", pgettext_lazy("booking purpose", "Commercial")


DEFAULT_EXCLUDED = f"{Purpose.POLITICAL},{Purpose.RELIGIOUS},{Purpose.COMMERCIAL}"


class FeatureKind(models.TextChoices):
    AMENITY = "amenity", _("Amenity")
    ACCESSIBILITY = "access", _("Accessibility")


class Feature(models.Model):
    """An amenity (projector, kitchen, …) or an accessibility feature (step-free entrance, …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=FeatureKind.choices)
    name = models.CharField(_("name"), max_length=80)  # name_ko / name_en

    if TYPE_CHECKING:
        name_ko: str | None
        name_en: str | None

    class Meta:
        verbose_name = _("feature")
        verbose_name_plural = _("features")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name


class Space(models.Model):
    slug = models.SlugField(_("address name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=150)  # name_ko / name_en
    description = models.TextField(
        _("description"), max_length=TEXT_MAX, blank=True, validators=[MaxLengthValidator(TEXT_MAX)]
    )  # description_ko / description_en
    district = models.ForeignKey(
        "places.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="spaces",
    )
    office = models.CharField(
        _("managing office"),
        max_length=150,
        help_text=_("The city or district office that runs it."),
    )  # office_ko / office_en
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        blank=True,
        related_name="managed_spaces",
        help_text=_("They approve bookings, record no-shows and close the space."),
    )
    road_address = models.CharField(_("road address"), max_length=200)
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity (people)"), validators=[MinValueValidator(1)]
    )
    area_m2 = models.DecimalField(
        _("floor area (m²)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    features = models.ManyToManyField(Feature, verbose_name=_("features"), blank=True)
    # Fees
    fee_mode = models.CharField(
        _("fee"), max_length=6, choices=FeeMode.choices, default=FeeMode.FREE
    )
    fee_amount = models.PositiveIntegerField(
        _("fee (won)"), default=0, help_text=_("Per hour or per block, as the fee says.")
    )
    block_minutes = models.PositiveSmallIntegerField(
        _("block (minutes)"), default=120, validators=[MinValueValidator(15)]
    )
    exemptions = models.TextField(
        _("exemptions and reductions"),
        max_length=TEXT_MAX,
        blank=True,
        validators=[MaxLengthValidator(TEXT_MAX)],
    )  # exemptions_ko / exemptions_en
    # When and how long
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot size (minutes)"), default=60, validators=[MinValueValidator(15)]
    )
    min_minutes = models.PositiveSmallIntegerField(
        _("shortest booking (minutes)"), default=60, validators=[MinValueValidator(15)]
    )
    max_minutes = models.PositiveSmallIntegerField(
        _("longest booking (minutes)"), default=240, validators=[MinValueValidator(15)]
    )
    opens_days_ahead = models.PositiveSmallIntegerField(
        _("bookings open (days ahead)"),
        default=90,
        help_text=_("The furthest day ahead that can be booked."),
    )
    closes_days_ahead = models.PositiveSmallIntegerField(
        _("bookings close (days ahead)"),
        default=1,
        help_text=_("0 books the same day; 5 means at least five days ahead."),
    )
    closed_on_holidays = models.BooleanField(_("closed on public holidays"), default=True)
    # Limits per person
    max_hours_per_day = models.PositiveSmallIntegerField(
        _("hours per person per day"), default=4, validators=[MinValueValidator(1)]
    )
    max_bookings_per_month = models.PositiveSmallIntegerField(
        _("bookings per person per month"), default=4, validators=[MinValueValidator(1)]
    )
    eligibility = models.CharField(
        _("who may book"), max_length=14, choices=Eligibility.choices, default=Eligibility.ANYONE
    )
    excluded_purposes = models.CharField(
        _("excluded purposes"), max_length=200, blank=True, default=DEFAULT_EXCLUDED
    )  # Purpose codes, comma-separated
    confirmation = models.CharField(
        _("confirmation"), max_length=10, choices=Confirmation.choices, default=Confirmation.INSTANT
    )
    request_hours = models.PositiveSmallIntegerField(
        _("requests expire after (hours)"),
        default=72,
        validators=[MinValueValidator(1)],
        help_text=_("A request staff have not decided on by then (or by its start) expires."),
    )
    payment_hours = models.PositiveSmallIntegerField(
        _("pay within (hours)"),
        default=48,
        validators=[MinValueValidator(1)],
        help_text=_("An unpaid booking is cancelled after this, counted from its confirmation."),
    )
    allocation = models.CharField(
        _("allocation"), max_length=8, choices=Allocation.choices, default=Allocation.FIRST_COME
    )
    human_seconds = models.PositiveSmallIntegerField(
        _("fastest human booking (seconds)"),
        default=5,
        help_text=_("A booking completed faster than this is held for review."),
    )
    is_active = models.BooleanField(_("open for bookings"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    if TYPE_CHECKING:
        name_ko: str | None
        name_en: str | None
        description_ko: str | None
        description_en: str | None
        office_ko: str | None
        office_en: str | None
        exemptions_ko: str | None
        exemptions_en: str | None

    class Meta:
        verbose_name = _("public space")
        verbose_name_plural = _("public spaces")
        ordering = ["district", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_minutes__lte=F("max_minutes")), name="space_min_within_max"
            ),
            models.CheckConstraint(
                condition=Q(closes_days_ahead__lte=F("opens_days_ahead")),
                name="space_booking_window",
            ),
            models.CheckConstraint(
                condition=Q(fee_mode="free") | Q(fee_amount__gt=0), name="space_fee_has_amount"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("facilities:detail", kwargs={"slug": self.slug})

    @property
    def excluded(self) -> frozenset[str]:
        return frozenset(code for code in self.excluded_purposes.split(",") if code)


class OpeningHours(models.Model):
    """One opening period on one weekday (Monday 0 … Sunday 6); a day may have several."""

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), validators=[MaxValueValidator(6)])
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["space", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens__lt=F("closes")), name="hours_open_before_close"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="hours_weekday_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.space} {self.weekday} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """Days a space is closed (repairs, elections, …), both ends included."""

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="closures"
    )
    starts_on = models.DateField(pgettext_lazy("closure", "from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["space", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")), name="closure_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.space} {self.starts_on}–{self.ends_on}"


class RefundBand(models.Model):
    """Cancelled at least `days_before` days before the start, the booker gets `percent` back; the
    band with the largest `days_before` that applies wins (none applies: no refund)."""

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="refund_bands"
    )
    days_before = models.PositiveSmallIntegerField(_("days before"))
    percent = models.PositiveSmallIntegerField(_("refund (%)"), validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("refund band")
        verbose_name_plural = _("refund bands")
        ordering = ["space", "-days_before"]
        constraints = [
            models.UniqueConstraint(fields=["space", "days_before"], name="one_band_per_day"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="refund_percent_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.space}: {self.days_before}+ → {self.percent} %"


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("booking status", "Awaiting approval")
    HELD = "held", pgettext_lazy("booking status", "Held for review")
    CONFIRMED = "confirmed", pgettext_lazy("booking status", "Confirmed")
    REJECTED = "rejected", pgettext_lazy("booking status", "Rejected")
    EXPIRED = "expired", pgettext_lazy("booking status", "Expired")
    CANCELLED = "cancelled", pgettext_lazy("booking status", "Cancelled")


# A booking in these states holds its time: no other active booking of the space may overlap it
# (the exclusion constraint's WHERE clause names the same values).
ACTIVE_STATUSES = (BookingStatus.REQUESTED, BookingStatus.HELD, BookingStatus.CONFIRMED)


class BookingSeries(models.Model):
    """A weekly series booked at once: all of its bookings were created together, or none."""

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="series"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.CASCADE,
        related_name="booking_series",
    )
    weeks = models.PositiveSmallIntegerField(_("weeks"), validators=[MinValueValidator(2)])
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("booking series")
        verbose_name_plural = _("booking series")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.space} × {self.weeks}"


def _reference() -> str:
    return secrets.token_hex(6)


class Booking(models.Model):
    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.PROTECT, related_name="bookings"
    )
    # NULL once the booker deleted their account: the booking stays counted in the space's use.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="space_bookings",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("for the organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="space_bookings",
    )
    reference = models.CharField(_("reference"), max_length=12, unique=True, default=_reference)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    purpose_detail = models.CharField(_("what for"), max_length=300)
    people = models.PositiveSmallIntegerField(_("people"), validators=[MinValueValidator(1)])
    status = models.CharField(
        _("status"), max_length=10, choices=BookingStatus.choices, db_index=True
    )
    fee = models.PositiveIntegerField(_("fee (won)"), default=0)
    payment_due = models.DateTimeField(_("pay by"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    refund = models.PositiveIntegerField(_("refund (won)"), null=True, blank=True)
    series = models.ForeignKey(
        BookingSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
    )
    form_seconds = models.FloatField(
        _("seconds to complete"),
        null=True,
        blank=True,
        help_text=_("From opening the booking form to sending it."),
    )
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.TextField(
        _("reason"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    no_show = models.BooleanField(_("did not come"), default=False)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["space", "starts_at"], name="booking_by_space_start"),
            models.Index(fields=["user", "starts_at"], name="booking_by_user_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="booking_has_length"
            ),
            models.CheckConstraint(condition=Q(people__gte=1), name="booking_has_people"),
            models.CheckConstraint(
                condition=Q(status__in=BookingStatus.values), name="booking_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.space} {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("facilities:booking", kwargs={"reference": self.reference})

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES
