"""Events, their registrations, waitlist, sessions, check-in and reminders.

Capacity is the database's business (DESIGN §4): `Event.seats_taken` counts the registrations that
hold a seat (confirmed and offered), is changed only by the services while they hold the event's
row lock, and a CHECK constraint refuses any row where it passes the capacity. A read-then-write
race can therefore at worst fail, never overbook.
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

from sharehub.core.uploads import private_storage
from sharehub.core.urlmemo import reverse


class EventKind(models.TextChoices):
    MEETING = "meeting", pgettext_lazy("event kind", "Meeting")
    TRAINING = "training", pgettext_lazy("event kind", "Training")
    FORUM = "forum", pgettext_lazy("event kind", "Forum")
    FESTIVAL = "festival", pgettext_lazy("event kind", "Festival")
    ONLINE = "online", pgettext_lazy("event kind", "Online session")
    # A meeting of one of participation's committees (`Event.committee`), organized by the city.
    COMMITTEE_MEETING = "committee", pgettext_lazy("event kind", "Committee meeting")


class EventStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("event status", "Draft")
    PUBLISHED = "published", pgettext_lazy("event status", "Published")
    CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")


class WaitlistMode(models.TextChoices):
    AUTOMATIC = "automatic", _("The first on the waitlist gets the place at once")
    OFFER = "offer", _("The first on the waitlist gets an offer valid for a set time")


class Event(models.Model):
    """A meeting, training, forum, festival or online session organized by the city or an organization."""

    title = models.CharField(_("title"), max_length=200)  # title_ko / title_en
    summary = models.CharField(_("summary"), max_length=300, blank=True)  # summary_ko / summary_en
    description = models.TextField(
        _("description"), max_length=10000, blank=True, validators=[MaxLengthValidator(10000)]
    )  # description_ko / description_en
    kind = models.CharField(
        _("kind"), max_length=20, choices=EventKind.choices, default=EventKind.MEETING
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EventStatus.choices,
        default=EventStatus.PUBLISHED,
        db_index=True,
    )
    # No organization: the city itself organizes the event (its staff manage it).
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organizer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    # A committee meeting's committee (participation): its page lists the meeting and, once
    # published as a "minutes" material, its minutes.
    committee = models.ForeignKey(
        "participation.Committee",
        verbose_name=_("committee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
        help_text=_("Committee meetings only."),
    )
    district = models.ForeignKey(
        "places.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)  # venue_ko / venue_en
    address = models.CharField(_("address"), max_length=300, blank=True)
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
    online_url = models.URLField(
        _("online link"),
        max_length=500,
        blank=True,
        help_text=_("Shown only to people whose registration is confirmed."),
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"), help_text=_("Number of places."))
    seats_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Empty: when the event starts."),
    )
    cancellation_deadline = models.DateTimeField(
        _("cancellation deadline"),
        null=True,
        blank=True,
        help_text=_("Empty: when the event starts."),
    )
    requires_approval = models.BooleanField(_("organizer approves registrations"), default=False)
    waitlist_mode = models.CharField(
        _("when a place frees"),
        max_length=12,
        choices=WaitlistMode.choices,
        default=WaitlistMode.AUTOMATIC,
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("offer valid for (hours)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
    )
    reminder_hours = models.PositiveSmallIntegerField(
        _("reminder (hours before)"),
        default=24,
        validators=[MaxValueValidator(720)],
        help_text=_("0 sends no reminder."),
    )
    certificate_min_sessions = models.PositiveSmallIntegerField(
        _("sessions needed for a certificate"),
        null=True,
        blank=True,
        help_text=_("Trainings only. Empty: no certificate."),
    )
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
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    if TYPE_CHECKING:  # the language columns modeltranslation adds (translation.py)
        title_ko: str
        title_en: str | None
        summary_ko: str
        summary_en: str | None
        description_ko: str
        description_en: str | None
        venue_ko: str
        venue_en: str | None

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="event_starts_before_it_ends"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=0), name="event_capacity_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("capacity")), name="event_never_overbooked"
            ),
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=EventStatus.values), name="event_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="event_status_start")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def closes_at(self):
        return self.registration_closes_at or self.starts_at

    @property
    def cancellable_until(self):
        return self.cancellation_deadline or self.starts_at

    def registration_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status != EventStatus.PUBLISHED:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        return now < self.closes_at

    def next_state_change(self, now=None):
        """When `registration_state` next changes by the clock alone (None: it never will): a page
        that shows it is kept no longer (core.pagecache.valid_until)."""
        now = now or timezone.now()
        instants = (self.registration_opens_at, self.closes_at, self.ends_at)
        return min((when for when in instants if when and when > now), default=None)

    @property
    def registration_state(self) -> str:
        """What a card says instead of the places left: "cancelled", "ended", "not_open" (yet),
        "closed" (the deadline has passed), "full" (waitlist) or "open"."""
        now = timezone.now()
        if self.is_cancelled:
            return "cancelled"
        if self.ends_at <= now:
            return "ended"
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_open"
        if not self.registration_open(now):
            return "closed"
        return "open" if self.free_places else "full"

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) or self.kind == EventKind.ONLINE

    @property
    def has_place(self) -> bool:
        return bool(self.address or self.venue or self.district_id)


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Short answer")
    CHOICE = "choice", _("One of several choices")
    YES_NO = "yes_no", _("Yes or no")


class EventQuestion(models.Model):
    """A custom question asked when registering."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="questions"
    )
    label = models.CharField(_("question"), max_length=200)  # label_ko / label_en
    kind = models.CharField(
        _("answer type"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.TEXT
    )
    choices = models.TextField(
        _("choices"), blank=True, max_length=2000, help_text=_("One per line.")
    )
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class EventSession(models.Model):
    """One date of a multi-session training."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)  # title_ko / title_en
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = pgettext_lazy("event", "session")
        verbose_name_plural = pgettext_lazy("event", "sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="session_starts_before_it_ends"
            ),
        ]

    def __str__(self) -> str:
        return self.title or timezone.localtime(self.starts_at).strftime("%Y-%m-%d %H:%M")


class MaterialKind(models.TextChoices):
    SLIDES = "slides", _("Slides")
    MINUTES = "minutes", _("Minutes")
    PHOTOS = "photos", _("Photos")
    OTHER = "other", pgettext_lazy("material kind", "Other")


def material_path(instance: EventMaterial, filename: str) -> str:
    # `filename` is already random (materials.check_material); the folder groups one event.
    return f"events/materials/{instance.event_id}/{filename}"


class EventMaterial(models.Model):
    """Slides, minutes or photos, shown on the event page once the event has ended.

    A file is stored privately under a random name and served by `views.material_download`,
    which applies the page's rule (permissions.can_see_materials)."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="materials"
    )
    kind = models.CharField(
        _("type"), max_length=10, choices=MaterialKind.choices, default=MaterialKind.SLIDES
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"), upload_to=material_path, storage=private_storage, max_length=200, blank=True
    )
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def url(self) -> str:
        if self.file:
            return reverse(
                "events:material_download", kwargs={"pk": self.event_id, "item_id": self.pk}
            )
        return self.link


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    CONFIRMED = "confirmed", _("Confirmed")
    OFFERED = "offered", _("Place offered")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")
    REJECTED = "rejected", _("Declined")


ACTIVE_STATUSES = (
    RegistrationStatus.PENDING,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.OFFERED,
    RegistrationStatus.WAITLISTED,
)
SEAT_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)


class Registration(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RegistrationStatus.choices, db_index=True
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    # The waitlist is served in this order (the time the person joined it).
    waitlisted_at = models.DateTimeField(_("joined the waitlist at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # The status whose notice (notification and mail) is still to be written: set with the status
    # under the event's lock, cleared by `notices.tell_due` in the transaction that writes the
    # notice, so it is written once, after the lock is released (issue 18: rushes). "" = none.
    notice_due = models.CharField(_("notice due"), max_length=12, blank=True, default="")
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(status__in=["pending", "confirmed", "offered", "waitlisted"]),
                name="one_active_registration_per_person",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RegistrationStatus.values), name="registration_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="offer_has_expiry",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "waitlisted_at"], name="registration_queue"),
            # The sweep that writes notices whose task was lost reads only the few due ones.
            models.Index(
                fields=["id"], condition=~Q(notice_due=""), name="registration_notice_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.event}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_STATUSES


class Attendance(models.Model):
    """A registered person was present at one session of a training."""

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    session = models.ForeignKey(
        EventSession,
        verbose_name=pgettext_lazy("event", "session"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="attendance_once_per_session"
            )
        ]


class ReminderDelivery(models.Model):
    """One reminder for one registration at one offset: the unique row makes it exactly once."""

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    hours_before = models.PositiveSmallIntegerField(_("hours before"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "hours_before"], name="one_reminder_per_offset"
            )
        ]


def new_feed_secret() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret address of a person's private "my events" calendar; resetting it changes the secret."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="event_calendar",
    )
    secret = models.CharField(_("secret"), max_length=64, unique=True, default=new_feed_secret)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("private calendar feed")
        verbose_name_plural = _("private calendar feeds")
