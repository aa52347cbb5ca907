from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """One searchable object as the index sees it, written by services.index_object.

    The database's own full-text machinery sits beside it, written in the same transaction: on
    SQLite the FTS5 table `search_fts` (rowid = this row's id, migration 0002), on PostgreSQL the
    narrow table `search_document` (entry_id = this row's id: the tsvector and the title letters
    with their GIN indexes, migration 0003), so ranking a common word never reads these wide rows.
    """

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("content type"), on_delete=models.CASCADE
    )
    object_id = models.BigIntegerField(_("object id"))
    title = models.TextField(_("title"))
    body = models.TextField(_("body"), blank=True)
    # Analysed terms (sharehub.search.analysis), space-joined: what the full-text index holds.
    title_terms = models.TextField(_("title terms"), blank=True)
    terms = models.TextField(_("terms"), blank=True)
    # Title words as letters (Hangul as jamo), for typo tolerance.
    fuzzy = models.TextField(_("title letters"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="one_search_entry_per_object"
            )
        ]

    def __str__(self) -> str:
        return self.title
