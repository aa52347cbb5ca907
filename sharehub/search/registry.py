"""Which models are searchable: apps register theirs (their manifest, at start-up):

    register_searchable(
        Listing,
        document=listing_document,
        public=lambda: Listing.objects.filter(
            organization__moderation_status=ModerationStatus.PUBLISHED
        ),
        follows={Organization: "organization"},
        by_district=True,
        kind=SearchKind("services", _("Services and organizations"), order=10),
    )

`public` is the one rule of what an anonymous visitor may see: the index holds only objects it
returns (services.index_object), and every read of the index keeps only those (selectors). The
`state_fields` of the model, the models it `follows` (an organization whose listing and events it
hides) and every moderation decision on either (`moderation_changed`) are watched by receivers
(handlers) that bring the index in line inside the transaction of the change itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import models

from . import catalog, handlers
from .catalog import DocumentBuilder, PublicQuerySet, Searchable, SearchKind

__all__ = ["SearchKind", "register_searchable", "unregister_searchable"]


def register_searchable(
    model: type[models.Model],
    *,
    document: DocumentBuilder,
    public: PublicQuerySet,
    state_fields: Iterable[str] = (),
    follows: Mapping[type[models.Model], str] | None = None,
    by_district: bool = False,
    kind: SearchKind | None = None,
) -> None:
    """`public()` returns the objects of `model` an anonymous visitor may see (a queryset).

    by_district: the documents say which districts each object serves (SearchDocument.districts,
    city_wide), and a district named in a query filters to those and the city-wide ones.
    kind: the group its hits form on the hub's search page (catalog.SearchKind)."""
    entry = Searchable(
        model,
        document,
        public,
        frozenset(state_fields),
        dict(follows or {}),
        by_district=by_district,
        kind=kind,
    )
    catalog.add(entry)
    handlers.connect(entry)


def unregister_searchable(model: type[models.Model]) -> None:
    """For tests that register a model of their own."""
    entry = catalog.remove(model)
    if entry is not None:
        handlers.disconnect(entry)
