"""Newsletters (modelled on listmonk): subscribers with double opt-in, topics, consent records,
campaigns with a segment, and one delivery row per recipient so a campaign is sent exactly once."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sharehub.core.validators import validate_header_value


def new_secret() -> str:
    return secrets.token_hex(16)


class Topic(models.Model):
    """What a subscriber chooses to hear about; the city defines them (name_ko / name_en)."""

    slug = models.SlugField(_("address name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """The role segment of a subscriber, from the account its address belongs to."""

    CITIZEN = "citizen", _("Citizen with an account")
    MEMBER = "member", _("Member of an organization")
    STAFF = "staff", _("City staff")
    NONE = "none", _("No account")


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", pgettext_lazy("subscription", "Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Bounced")

    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language"), max_length=8, default="ko")
    district = models.ForeignKey(
        "places.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.PENDING
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="newsletter_subscribers",
    )
    topics = models.ManyToManyField(
        Topic, through="Subscription", verbose_name=_("topics"), related_name="subscribers"
    )
    # Salts every link sent to this address; changing it invalidates all of them at once.
    secret = models.CharField(_("secret"), max_length=32, default=new_secret, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(
        pgettext_lazy("subscription", "confirmed at"), null=True, blank=True
    )
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced at"), null=True, blank=True)
    # Why: the mail server's refusal, "bounce list" or "webhook" (shown to staff).
    bounce_reason = models.CharField(_("reason for the bounce"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletter_subscriber_email_ci"),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "confirmed", "unsubscribed", "bounced"]),
                name="newsletter_subscriber_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "language"], name="newsletter_sub_status_lang")]

    def __str__(self) -> str:
        return self.email


class Subscription(models.Model):
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "topic"], name="newsletter_one_subscription_per_topic"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} → {self.topic}"


class ConsentRecord(models.Model):
    """What the subscriber agreed to, in which version of the text, and when (kept as evidence)."""

    class Action(models.TextChoices):
        SUBSCRIBE = "subscribe", _("Subscribed")
        CONFIRM = "confirm", pgettext_lazy("subscription", "Confirmed")
        PREFERENCES = "preferences", _("Changed preferences")
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribed")

    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="consents"
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    text_version = models.CharField(_("version of the text"), max_length=20)
    text = models.TextField(_("text agreed to"), blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.subscriber} {self.action} {self.text_version}"


class Campaign(models.Model):
    """One newsletter: bilingual subject and bodies (subject_ko/_en …), a segment and its sending state."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        SENT = "sent", pgettext_lazy("campaign status", "Sent")
        CANCELLED = "cancelled", _("Cancelled")
        # Sending stopped on an error of the campaign itself (not of one recipient): see failure_reason.
        FAILED = "failed", _("Failed")

    # A mail header: one line (header injection), checked by forms, the API and the admin alike.
    subject = models.CharField(_("subject"), max_length=200, validators=[validate_header_value])
    body_html = models.TextField(_("HTML body"))
    body_text = models.TextField(_("plain text body"))
    # The segment: an empty choice means "everyone" on that axis; axes combine with AND.
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="campaigns"
    )
    districts = models.ManyToManyField(
        "places.District", verbose_name=_("districts"), blank=True, related_name="+"
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    roles = models.JSONField(_("roles"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Set once every recipient has a delivery row (the segment is frozen at that moment).
    recipients_ready = models.BooleanField(_("recipients listed"), default=False)
    # Set by a worker at each batch: the periodic job leaves a campaign alone while it moves.
    last_batch_at = models.DateTimeField(_("last batch at"), null=True, blank=True)
    total_count = models.PositiveIntegerField(_("recipients"), default=0)
    sent_count = models.PositiveIntegerField(_("sent"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    failure_reason = models.TextField(_("reason for the failure"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "draft",
                        "scheduled",
                        "sending",
                        "paused",
                        "sent",
                        "cancelled",
                        "failed",
                    ]
                ),
                name="newsletter_campaign_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="scheduled") | models.Q(scheduled_at__isnull=False),
                name="newsletter_scheduled_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "scheduled_at"], name="newsletter_campaign_due")]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_editable(self) -> bool:
        # A failed campaign can be corrected before it is retried.
        return self.status in (self.Status.DRAFT, self.Status.SCHEDULED, self.Status.FAILED)

    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles if role in Role.values]

    def language_labels(self) -> list[str]:
        names = dict(settings.LANGUAGES)
        return [names.get(code, code) for code in self.languages]


class Delivery(models.Model):
    """One recipient of one campaign. The unique pair is what makes "exactly once" hold."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", pgettext_lazy("delivery status", "Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=80, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "subscriber"], name="newsletter_one_delivery_per_recipient"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sending", "sent", "failed", "skipped"]),
                name="newsletter_delivery_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "id"], name="newsletter_delivery_claim")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} → {self.subscriber_id} ({self.status})"
