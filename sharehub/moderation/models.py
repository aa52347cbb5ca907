from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ModerationStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    HIDDEN = "hidden", _("Hidden")


class Decision(models.TextChoices):
    """The transitions of the state machine (`services.TRANSITIONS`)."""

    PUBLISH = "publish", pgettext_lazy("moderation action", "Publish")
    REJECT = "reject", pgettext_lazy("moderation action", "Reject")
    HIDE = "hide", pgettext_lazy("moderation action", "Hide")
    RESTORE = "restore", pgettext_lazy("moderation action", "Restore")
    RESUBMIT = "resubmit", pgettext_lazy("moderation action", "Submit again")


class Moderated(models.Model):
    """Mixed into anything the public submits: pending → published | rejected, and hidden later."""

    moderation_status = models.CharField(
        _("moderation status"),
        max_length=12,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PENDING,
        db_index=True,
    )
    moderation_reason = models.TextField(_("moderation reason"), blank=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.moderation_status == ModerationStatus.PUBLISHED


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    OFFENSIVE = "offensive", _("Offensive or hateful")
    WRONG = "wrong", _("Wrong or misleading information")
    PRIVACY = "privacy", _("Personal information exposed")
    OTHER = "other", _("Other")


class Resolution(models.TextChoices):
    """How the queue's buttons resolve a report; moderators may also write their own text."""

    DISMISSED = "dismissed", pgettext_lazy("report resolution", "Dismissed")
    HIDDEN = "hidden", pgettext_lazy("report resolution", "Content hidden")


class Report(models.Model):
    """Any signed-in person may report published content; moderators resolve reports."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("content type"), on_delete=models.CASCADE
    )
    object_id = models.CharField(_("object id"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="reports_made",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    details = models.TextField(_("details"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.CharField(_("resolution"), max_length=200, blank=True)

    # Set by selectors.attach_targets: the reported object, None when it is gone.
    target_object: models.Model | None

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            # One open report per person and object: reporting twice adds nothing.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reporter"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_report_per_reporter",
            )
        ]
