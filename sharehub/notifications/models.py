from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .engine import MailStatus


class Notification(models.Model):
    """An in-app message: the bell and the list."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]


class NotificationPreference(models.Model):
    """Whether a kind of notification is also sent by e-mail. No row means the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=60)
    email = models.BooleanField(_("send by e-mail"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]


class OutboundEmail(models.Model):
    """Every e-mail the hub sends, stored first and sent by the worker exactly once (`engine`)."""

    Status = MailStatus

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=60, blank=True)
    from_email = models.CharField(_("from"), max_length=254)
    to = models.JSONField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # [{"filename", "mimetype", "content" (base64)}]: small files such as an event's .ics.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # After a failure: the earliest time the recovery command may try again (exponential back-off).
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # The worker sending it now, since when (a claim older than the engine's lease is a dead one's).
    claimed_by = models.CharField(_("claimed by"), max_length=80, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Demo mode only (SHAREHUB_DEMO_MAILBOX): the browser session that asked for this mail for
    # itself (sign-up, password reset, …) and may read it in the demo mailbox. Empty otherwise.
    demo_reader = models.CharField(
        max_length=64, blank=True, default="", db_index=True, editable=False
    )

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-id"]
