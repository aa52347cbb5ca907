"""What the search index holds for a listing (SEARCH's contract), and the call that refreshes it."""

from __future__ import annotations

from sharehub.search.documents import SearchDocument
from sharehub.search.services import index_object

from .models import Listing


def listing_document(listing: Listing) -> SearchDocument:
    """Names in every language as the title; summaries, descriptions, services and categories as body."""
    organization = listing.organization
    title = " ".join(part for part in (organization.name_ko, organization.name_en) if part)
    body_parts = [
        listing.summary_ko,
        listing.summary_en,
        listing.description_ko,
        listing.description_en,
        organization.description_ko,
        organization.description_en,
    ]
    for service in listing.services.all():
        body_parts += [
            service.name_ko,
            service.name_en,
            service.description_ko,
            service.description_en,
        ]
    keywords = []
    for category in listing.categories.all():
        keywords += [category.name_ko, category.name_en]
    return SearchDocument(
        title=title,
        body="\n".join(part for part in body_parts if part),
        keywords=" ".join(part for part in keywords if part),
    )


def reindex_listing(listing: Listing) -> None:
    """Call inside the writing transaction: the index then commits or rolls back with the data.
    Only the listing of a published organization is indexed (selectors.public_listings)."""
    index_object(listing)
