"""What the search index holds for an event, and the call that refreshes it."""

from __future__ import annotations

from typing import Any

from .models import Event


def event_document(event: Event) -> Any:
    from sharehub.search.documents import SearchDocument

    title = " ".join(part for part in (event.title_ko, event.title_en) if part)
    body = [event.summary_ko, event.summary_en, event.description_ko, event.description_en, event.venue_ko, event.venue_en, event.address]
    keywords = [str(event.get_kind_display())]
    if event.organization_id:
        keywords += [event.organization.name_ko, event.organization.name_en or ""]
    if event.district_id:
        keywords += [event.district.name_ko, event.district.name_en or ""]
    return SearchDocument(
        title=title,
        body="\n".join(part for part in body if part),
        keywords=" ".join(part for part in keywords if part),
    )


def reindex_event(event: Event) -> None:
    """Inside the writing transaction. Drafts are indexed too; the selectors filter what is public."""
    from sharehub.search.services import index_object

    index_object(event)
