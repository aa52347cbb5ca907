"""Public proposals like the title an author is typing, found by the hub's shared search."""

from __future__ import annotations

from sharehub.participation.models import TITLE_MAX, Proposal
from sharehub.participation.selectors import public_proposals
from sharehub.search.selectors import search

SIMILAR_LIMIT = 5
MIN_CHARS = 2


def similar_proposals(
    title: str, *, exclude: int | None = None, limit: int = SIMILAR_LIMIT
) -> list[Proposal]:
    """At most `limit` public proposals matching `title`, best first (two queries: the search and
    the proposals); none for fewer than `MIN_CHARS` characters. `exclude`: the proposal being
    edited. Only public proposals, whatever the index holds."""
    title = " ".join(str(title or "").split())[:TITLE_MAX]
    if len(title) < MIN_CHARS:
        return []
    hits = search(title, model=Proposal, limit=limit + 1)
    ids = [hit.object_id for hit in hits if hit.object_id != exclude][:limit]
    if not ids:
        return []
    found = public_proposals().filter(pk__in=ids).select_related("area").in_bulk()
    return [found[pk] for pk in ids if pk in found]
