from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One decision or change by a person, kept for the object's history (pretix's log_action)."""

    action = models.CharField(_("action"), max_length=100, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.CASCADE
    )
    object_id = models.CharField(_("object id"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.content_type_id}:{self.object_id}"


class PeriodicRun(models.Model):
    """When a periodic job was last enqueued; one row per job, claimed by a conditional update."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField(_("last enqueued"))

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")

    def __str__(self) -> str:
        return self.name


class FormerSlug(models.Model):
    """An address an object had before (core.slugs): its page answers it with a permanent redirect,
    so links already shared keep working. `model` is the object's model label ("app.model")."""

    model = models.CharField(_("model"), max_length=100)
    slug = models.CharField(_("former address name"), max_length=200)
    object_id = models.PositiveBigIntegerField(_("object id"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("former address")
        verbose_name_plural = _("former addresses")
        constraints = [
            models.UniqueConstraint(fields=["model", "slug"], name="former_slug_once_per_model")
        ]

    def __str__(self) -> str:
        return f"{self.model}: {self.slug}"


class PageVersion(models.Model):
    """How many times a table has been written (sharehub.core.pagecache): a kept public page is
    served only while the versions of the tables it was built from are those it was built at.
    Bumped by the same transaction as the write; "*" is every table's.

    A table's version is the sum of its rows (its shards): a commit bumps a row of the table no
    other transaction holds (PostgreSQL's SKIP LOCKED), so simultaneous writers of one table do
    not queue on one row until each other's commit is on disk (issue 18's rushes). Shard 0 is
    the first; others appear only when writers of the table overlap."""

    pk = models.CompositePrimaryKey("name", "shard")
    name = models.CharField(_("table"), max_length=100)
    shard = models.SmallIntegerField(_("shard"), default=0)
    n = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("page version")
        verbose_name_plural = _("page versions")

    def __str__(self) -> str:
        return f"{self.name}/{self.shard} {self.n}"
