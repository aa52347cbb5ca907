"""What the search index holds for a listing (SEARCH's contract), and the call that refreshes it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sharehub.search.documents import CITY_WIDE_LABEL, SearchDocument
from sharehub.search.registry import SearchKind
from sharehub.search.services import index_object

from .models import Listing
from .selectors import public_listings


def _texts(listing: Listing, lang: str) -> list[str]:
    """What a reader of `lang` is told about the listing, first things first, each text once."""
    organization = listing.organization
    parts = [
        getattr(listing, f"summary_{lang}", ""),
        getattr(listing, f"description_{lang}", ""),
        getattr(organization, f"description_{lang}", ""),
    ]
    for service in listing.services.all():
        name = getattr(service, f"name_{lang}", "")
        description = getattr(service, f"description_{lang}", "")
        parts.append(f"{name}: {description}" if name and description else name or description)
    return list(dict.fromkeys(part.strip() for part in parts if part and part.strip()))


def district_codes(listing: Listing) -> tuple[str, ...]:
    """The districts a listing serves, where it has an address, and its organization's."""
    codes = [district.code for district in listing.districts_served.all()]
    codes += [a.district.code for a in listing.addresses.all() if a.district is not None]
    if listing.organization.district is not None:
        codes.append(listing.organization.district.code)
    return tuple(dict.fromkeys(codes))


def listing_document(listing: Listing) -> SearchDocument:
    """Names in every language as the title; summaries, descriptions, services and categories as
    body; the services' names also as what the listing offers by name (`names`, weighed above
    the body); per language what a reader is shown; the districts it serves (none listed: the
    whole city, as the form says)."""
    organization = listing.organization
    title = " ".join(part for part in (organization.name_ko, organization.name_en) if part)
    ko, en = _texts(listing, "ko"), _texts(listing, "en")
    keywords = []
    for category in listing.categories.all():
        keywords += [category.name_ko, category.name_en]
    names = [
        name
        for service in listing.services.all()
        for name in (service.name_ko, service.name_en)
        if name
    ]
    city_wide = not listing.districts_served.exists()
    return SearchDocument(
        title=title,
        body="\n".join(dict.fromkeys([*ko, *en])),
        keywords=" ".join(part for part in keywords if part),
        names="\n".join(dict.fromkeys(names)),
        display={
            "ko": (organization.name_ko or "", "\n".join(ko)),
            "en": (organization.name_en or "", "\n".join(en)),
        },
        districts=() if city_wide else district_codes(listing),
        city_wide=city_wide,
    )


def describe_listing(listing: Listing) -> str:
    """The line under a listing on the hub's search page: where it serves."""
    served = list(listing.districts_served.all())
    if not served:
        return str(CITY_WIDE_LABEL)
    return ", ".join(str(district) for district in served)


LISTING_KIND = SearchKind(
    "services",
    _("Services and organizations"),
    order=10,
    queryset=lambda: public_listings().prefetch_related("districts_served"),
    describe=describe_listing,
)


def reindex_listing(listing: Listing) -> None:
    """Call inside the writing transaction: the index then commits or rolls back with the data.
    Only the listing of a published organization is indexed (selectors.public_listings)."""
    index_object(listing)
