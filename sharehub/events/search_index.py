"""What the search index holds for an event, how the hub's search page shows one, and the call
that refreshes it."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from sharehub.search.documents import SearchDocument
from sharehub.search.registry import SearchKind
from sharehub.search.services import index_object

from .models import Event

# Saved alone, these may make an event public or not (its organization is followed, see apps.py).
EVENT_STATE_FIELDS = ("status",)


def _text(event: Event, lang: str) -> str:
    parts = [
        getattr(event, f"summary_{lang}", ""),
        strip_tags(getattr(event, f"description_{lang}", "") or ""),
        getattr(event, f"venue_{lang}", ""),
    ]
    return "\n".join(part for part in parts if part)


def event_document(event: Event) -> SearchDocument:
    title = " ".join(part for part in (event.title_ko, event.title_en) if part)
    body = [
        event.summary_ko,
        event.summary_en,
        event.description_ko,
        event.description_en,
        event.venue_ko,
        event.venue_en,
        event.address,
    ]
    keywords = [str(event.get_kind_display())]
    if event.organization is not None:
        keywords += [event.organization.name_ko, event.organization.name_en or ""]
    if event.district is not None:
        keywords += [event.district.name_ko, event.district.name_en or ""]
    return SearchDocument(
        title=title,
        body="\n".join(part for part in body if part),
        keywords=" ".join(part for part in keywords if part),
        display={
            "ko": (event.title_ko or "", _text(event, "ko")),
            "en": (event.title_en or "", _text(event, "en")),
        },
        # An event in no district (online, or the city's own) is for the whole city.
        districts=(event.district.code,) if event.district is not None else (),
        city_wide=event.district is None,
    )


def describe_event(event: Event) -> str:
    """The line under an event on the hub's search page: its day and its district."""
    day = formats.date_format(timezone.localtime(event.starts_at), "DATE_FORMAT")
    return f"{day} · {event.district}" if event.district is not None else day


EVENT_KIND = SearchKind("events", _("Events"), order=20, describe=describe_event)


def reindex_event(event: Event) -> None:
    """Inside the writing transaction: a public event is indexed, any other (a draft, a cancelled
    one, one whose organization is not published) is taken out."""

    index_object(event)
