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
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sharehub.core.urlmemo import reverse

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
    lottery_draw_days = models.PositiveSmallIntegerField(
        _("lottery drawn (days before)"),
        default=7,
        validators=[MinValueValidator(1)],
        help_text=_(
            "In lottery mode, the slots of a day are drawn this many days before it; until then "
            "people enter the lottery, after it the slots left are booked first come."
        ),
    )
    no_show_limit = models.PositiveSmallIntegerField(
        _("no-shows before a suspension"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("No-shows within 90 days that suspend a person from booking this space."),
    )
    suspension_days = models.PositiveSmallIntegerField(
        _("suspension (days)"), default=30, validators=[MinValueValidator(1)]
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


class DayKind(models.TextChoices):
    WEEKDAY = "weekday", _("Weekdays")
    WEEKEND = "weekend", _("Weekends and public holidays")


class FeeRate(models.Model):
    """The fee table: from `starts` on this kind of day, an hour (or a block) costs `amount`
    instead of the space's base fee (Seoul's community centres charge more in the evening and at
    weekends). The latest `starts` that applies wins."""

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="fee_rates"
    )
    day_kind = models.CharField(_("days"), max_length=8, choices=DayKind.choices)
    starts = models.TimeField(pgettext_lazy("fee rate", "from"))
    amount = models.PositiveIntegerField(_("fee (won)"))

    class Meta:
        verbose_name = _("fee rate")
        verbose_name_plural = _("fee rates")
        ordering = ["space", "day_kind", "starts"]
        constraints = [
            models.UniqueConstraint(
                fields=["space", "day_kind", "starts"], name="one_fee_rate_per_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.space} {self.day_kind} {self.starts:%H:%M}: {self.amount}"


class SpacePhoto(models.Model):
    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="facilities/photos/")
    alt = models.CharField(
        _("text alternative"),
        max_length=200,
        help_text=_("What the photo shows, for people who cannot see it."),
    )  # alt_ko (required) / alt_en
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    if TYPE_CHECKING:
        alt_ko: str | None
        alt_en: str | None

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["space", "order", "pk"]

    def __str__(self) -> str:
        return self.alt


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


class HoldReason(models.TextChoices):
    """Why a booking was held for staff review: the signs of a script rather than a person."""

    FAST = "fast", pgettext_lazy("held because", "Completed faster than a person could")
    UNSIGNED = "unsigned", pgettext_lazy("held because", "Sent without the form's opening time")
    BURST = "burst", pgettext_lazy("held because", "One of many bookings in a few minutes")


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
    held_because = models.CharField(
        _("held because"), max_length=8, choices=HoldReason.choices, blank=True, default=""
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
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

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


# --- Fairness: lottery rounds, the penalty register, the waitlist ---------------------------------


class LotteryRound(models.Model):
    """The slots of a lottery-mode space on the days from `covers_from` to `covers_until`, drawn at
    `draws_at`. `seed_hash` (SHA-256 of the seed) is published when the round opens and the seed
    when it is drawn, so anyone can check the draw was not chosen after seeing the entries."""

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="lottery_rounds"
    )
    covers_from = models.DateField(_("first day"))
    covers_until = models.DateField(_("last day"))
    draws_at = models.DateTimeField(_("drawn at"))
    seed_hash = models.CharField(_("seed fingerprint (SHA-256)"), max_length=64)
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("draw completed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("lottery round")
        verbose_name_plural = _("lottery rounds")
        ordering = ["space", "covers_from"]
        constraints = [
            models.UniqueConstraint(fields=["space", "covers_from"], name="one_round_per_start"),
            models.CheckConstraint(
                condition=Q(covers_from__lte=F("covers_until")), name="round_days_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.space} {self.covers_from}–{self.covers_until}"


class EntryStatus(models.TextChoices):
    ENTERED = "entered", pgettext_lazy("lottery entry", "Entered")
    WON = "won", pgettext_lazy("lottery entry", "Won")
    LOST = "lost", pgettext_lazy("lottery entry", "Not drawn")
    WITHDRAWN = "withdrawn", pgettext_lazy("lottery entry", "Withdrawn")


class LotteryEntry(models.Model):
    """One person's request for one period in a round; the draw makes winners' bookings."""

    round = models.ForeignKey(
        LotteryRound,
        verbose_name=_("lottery round"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="lottery_entries",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("for the organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    purpose_detail = models.CharField(_("what for"), max_length=300)
    people = models.PositiveSmallIntegerField(_("people"), validators=[MinValueValidator(1)])
    declares_eligible = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.ENTERED
    )
    position = models.PositiveIntegerField(_("place in the draw"), null=True, blank=True)
    outcome = models.CharField(_("why"), max_length=200, blank=True)
    booking = models.OneToOneField(
        "Booking",
        verbose_name=_("booking"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lottery_entry",
    )
    created_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        verbose_name = _("lottery entry")
        verbose_name_plural = _("lottery entries")
        ordering = ["round", "starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "user", "starts_at"],
                condition=~Q(status="withdrawn"),
                name="one_entry_per_person_slot",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="entry_has_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.starts_at:%Y-%m-%d %H:%M}"


class PenaltyKind(models.TextChoices):
    NO_SHOW = "no_show", _("Repeated no-shows")
    MACRO = "macro", _("Automated (macro) booking")
    OTHER = "other", pgettext_lazy("penalty", "Other")


class Penalty(models.Model):
    """A suspension from booking: one space, or every space when `space` is empty (macros)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="space_penalties",
    )
    space = models.ForeignKey(
        Space,
        verbose_name=_("space"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="penalties",
        help_text=_("Empty: every space."),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=PenaltyKind.choices)
    reason = models.TextField(_("reason"), max_length=2000, validators=[MaxLengthValidator(2000)])
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["user", "ends_at"], name="penalty_by_user_end")]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="penalty_has_length"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.starts_at:%Y-%m-%d}"


class AppealStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("appeal", "Waiting for a decision")
    UPHELD = "upheld", pgettext_lazy("appeal", "Suspension upheld")
    LIFTED = "lifted", pgettext_lazy("appeal", "Suspension lifted")


class Appeal(models.Model):
    """The suspended person's appeal; staff decide it (lifting the suspension or not)."""

    penalty = models.OneToOneField(
        Penalty, verbose_name=_("suspension"), on_delete=models.CASCADE, related_name="appeal"
    )
    text = models.TextField(
        _("your appeal"), max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    status = models.CharField(
        _("status"), max_length=8, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    created_at = models.DateTimeField(_("appealed at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answer = models.TextField(
        _("answer"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.penalty} ({self.status})"


class WaitStatus(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("waitlist", "Waiting")
    OFFERED = "offered", pgettext_lazy("waitlist", "Offered")
    BOOKED = "booked", pgettext_lazy("waitlist", "Booked")
    EXPIRED = "expired", pgettext_lazy("waitlist", "Offer expired")
    WITHDRAWN = "withdrawn", pgettext_lazy("waitlist", "Withdrawn")


class WaitlistEntry(models.Model):
    """A person waiting for a taken period; when it is released the first waiting person is
    offered it, and holds the offer until `offer_expires_at`."""

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="waitlist"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="space_waitlist",
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(
        _("status"), max_length=10, choices=WaitStatus.choices, default=WaitStatus.WAITING
    )
    created_at = models.DateTimeField(_("joined at"), default=timezone.now)
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    booking = models.OneToOneField(
        "Booking",
        verbose_name=_("booking"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="waitlist_entry",
    )

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        ordering = ["space", "starts_at", "created_at", "pk"]
        indexes = [models.Index(fields=["space", "status", "starts_at"], name="waitlist_by_space")]
        constraints = [
            models.UniqueConstraint(
                fields=["space", "user", "starts_at"],
                condition=Q(status__in=["waiting", "offered"]),
                name="one_wait_per_person_slot",
            ),
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="wait_has_length"),
        ]

    def __str__(self) -> str:
        return f"{self.space} {self.starts_at:%Y-%m-%d %H:%M} {self.status}"


# --- Operating results (published monthly; Seoul's 2025 ordinance) --------------------------------


class MonthlyResult(models.Model):
    """One space's use in one month, computed once the month is over and published."""

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="monthly_results"
    )
    month = models.DateField(_("month"), help_text=_("The month's first day."))
    uses = models.PositiveIntegerField(_("uses"))
    booked_hours = models.DecimalField(_("hours booked"), max_digits=8, decimal_places=1)
    open_hours = models.DecimalField(_("hours open"), max_digits=8, decimal_places=1)
    evening_weekend_open_hours = models.DecimalField(
        _("hours open in the evening or at weekends"), max_digits=8, decimal_places=1
    )
    people = models.PositiveIntegerField(_("people"))
    no_shows = models.PositiveIntegerField(_("no-shows"))
    cancellations = models.PositiveIntegerField(_("cancellations"))
    fees = models.PositiveIntegerField(_("fees collected (won)"))
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("monthly operating result")
        verbose_name_plural = _("monthly operating results")
        ordering = ["-month", "space"]
        constraints = [
            models.UniqueConstraint(fields=["space", "month"], name="one_result_per_space_month")
        ]

    def __str__(self) -> str:
        return f"{self.space} {self.month:%Y-%m}"


class BookingAttempts(models.Model):
    """A person's booking attempts (made or refused) in the current minute and the one before,
    for the attempt rate (`services.booking.check_attempt_rate`). One row per person, counted
    with one upsert: the row's lock orders parallel attempts, so the count is exact."""

    # No foreign key in the database: its check share-locks the person's row, which a booking
    # of theirs holds until its commit (`_hold_reason`), so a first attempt would wait for it.
    # A row left by an account deleted meanwhile holds a count only.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        db_constraint=False,
    )
    # The rate's window counted: seconds since 1970 divided by the window's length.
    period = models.BigIntegerField(_("period"))
    count = models.PositiveIntegerField(_("attempts in the period"))
    previous = models.PositiveIntegerField(_("attempts in the period before"))

    class Meta:
        verbose_name = _("booking attempts")
        verbose_name_plural = _("booking attempts")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.count}"
