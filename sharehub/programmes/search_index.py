"""What the search index holds for a call, how the hub's search page shows one, and the call
that refreshes it. Only published calls (selectors.public_calls): a draft is never found."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from sharehub.search.documents import SearchDocument
from sharehub.search.registry import SearchKind
from sharehub.search.services import index_object

from .models import Call
from .selectors import public_calls

# Saved alone, these may make a call public or not.
CALL_STATE_FIELDS = ("published_at",)


def call_document(call: Call) -> SearchDocument:
    """Title, summary and text in both languages; the tracks and their themes as keywords; the
    districts it is open to (none: the whole city)."""
    tracks = list(call.tracks.all())
    keywords = " ".join(
        part
        for track in tracks
        for part in (track.name_ko, track.name_en, track.themes_ko, track.themes_en)
        if part
    )
    districts = list(call.districts.all())
    display = {}
    for lang in ("ko", "en"):
        title = getattr(call, f"title_{lang}") or call.title_ko or ""
        summary = getattr(call, f"summary_{lang}") or call.summary_ko or ""
        display[lang] = (title, summary)
    body = "\n".join(
        strip_tags(part or "")
        for part in (call.summary_ko, call.summary_en, call.body_ko, call.body_en)
        if part
    )
    return SearchDocument(
        title=" ".join(part for part in (call.title_ko, call.title_en) if part),
        body=body,
        keywords=keywords,
        display=display,
        districts=tuple(d.code for d in districts),
        city_wide=not districts,
    )


def describe_call(call: Call) -> str:
    """The line under a call on the hub's search page: its kind, phase and closing date."""
    closes = formats.date_format(timezone.localtime(call.closes_at), "DATE_FORMAT")
    return f"{call.get_kind_display()} · {call.phase_label()} · {closes}"


CALL_KIND = SearchKind(
    "calls", _("Support programmes"), order=45, queryset=public_calls, describe=describe_call
)


def reindex_call(call: Call) -> None:
    """Inside the writing transaction: a published call is indexed, any other taken out."""
    index_object(call)
