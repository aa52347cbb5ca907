from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """One searchable object as the index sees it, written by services.index_object.

    The database's own full-text machinery sits beside it, written in the same transaction: on
    SQLite the FTS5 table `search_fts` (rowid = this row's id, migration 0002), on PostgreSQL the
    narrow table `search_document` (entry_id = this row's id: the tsvector and the title letters
    with their GIN indexes, migration 0003), so ranking a common word never reads these wide rows;
    on both, the impact lists `search_impact` (entry_id = this row's id, one row per term with its
    weight, migration 0010), from which a common word's best entries are read.
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
    # The analysed terms of SearchDocument.names (also among `terms`): weighed apart in the
    # impact lists.
    names_terms = models.TextField(_("name terms"), blank=True, default="")
    # The analysed terms of SearchDocument.keywords (also among `terms`): weighed apart too.
    keyword_terms = models.TextField(_("keyword terms"), blank=True, default="")
    # The terms it holds only as pieces across morphemes or spaces (analysis.across_only).
    piece_terms = models.TextField(_("piece terms"), blank=True, default="")
    # Title words as letters (Hangul as jamo), for typo tolerance.
    fuzzy = models.TextField(_("title letters"), blank=True)
    # The districts it serves, as index tokens (engine.area_tokens); empty for a kind without.
    areas = models.TextField(_("districts"), blank=True, default="")
    # What a reader sees of it, per language: {"ko": [title, text], "en": [title, text]}.
    display = models.JSONField(_("display texts"), default=dict, blank=True)
    # The analysis.ANALYSIS_VERSION that built the terms: older entries are rebuilt.
    analysis_version = models.PositiveSmallIntegerField(_("analysis version"), default=0)
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


SYNONYM_WORDS_MAX = 30
SYNONYM_WORD_CHARS = 40


class SynonymGroup(models.Model):
    """Words a search treats as one ("대여", "빌리기", "렌탈", "rental"): city staff edit them.

    Applied when a query is read (selectors), never to the index: a change takes effect on the
    next search, on both databases, with no reindexing.
    """

    words = models.JSONField(
        _("words"),
        default=list,
        help_text=_("Korean or English words and phrases that mean the same in a search."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")
        ordering = ["pk"]

    def __str__(self) -> str:
        return " · ".join(str(word) for word in self.words)
