"""What the search index holds for an event, and the call that refreshes it."""

from __future__ import annotations

from sharehub.search.documents import SearchDocument
from sharehub.search.services import index_object

from .models import Event

# Saved alone, these may make an event public or not (its organization is followed, see apps.py).
EVENT_STATE_FIELDS = ("status",)


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
    )


def reindex_event(event: Event) -> None:
    """Inside the writing transaction: a public event is indexed, any other (a draft, a cancelled
    one, one whose organization is not published) is taken out."""

    index_object(event)
