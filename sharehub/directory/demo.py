"""Directory demo data: the 41 real organizations (created by organizations/demo.py from
data/sharing-organizations.csv) get a listing with its summary, description and services in Korean
and English (data/sharing-organizations-texts.json), categories, districts and an address. Looked
up before created: loading twice changes nothing.

Coordinates: the CSV gives a district for a few organizations; their address sits at the
district's centroid (no better is known), the district itself as the address and "around" it as
the place name in both languages ("광진구 일대", "around Gwangjin-gu"). Organizations with no
district get no address rather than an invented one, and serve the whole city. A service's price
is the one its sources give, else "price not listed".
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from sharehub.organizations.demo import demo_rows, demo_texts
from sharehub.organizations.models import Organization
from sharehub.places.models import District

from .models import Category, Listing, ListingAddress, PriceType, Service
from .search_index import reindex_listing
from .taxonomy import SEED_CATEGORIES

# The CSV's free-text category → the taxonomy (its first word decides when nothing matches exactly).
CATEGORY_MAP = {
    "car sharing": "car-sharing-and-parking",
    "carpool": "car-sharing-and-parking",
    "parking": "car-sharing-and-parking",
    # A public bicycle is transport like the shared cars, not a trip: grouped with them.
    "bike sharing": "car-sharing-and-parking",
    "clothing (suits)": "clothing",
    "children's goods": "childrens-goods",
    "children's goods (toys)": "childrens-goods",
    "childcare (talent)": "time-and-care",
    "pets (care sharing)": "time-and-care",
    "housing": "housing-and-rooms",
    "housing (share house)": "housing-and-rooms",
    "home sharing (lodging)": "travel",
    "talent & experience": "skills-and-knowledge",
    "talent & experience (travel)": "travel",
    "knowledge & experience; transport": "skills-and-knowledge",
    "tools & goods": "goods-and-tools",
    "goods (reuse)": "goods-and-tools",
    "goods (P2P rental)": "goods-and-tools",
    "crowdfunding (arts)": "culture",
    "space (arts)": "culture",
    "platform / hub": "platforms",
    "organization": "platforms",
}


def category_slug(text: str) -> str:
    text = text.strip()
    if text in CATEGORY_MAP:
        return CATEGORY_MAP[text]
    if text.startswith("space"):
        return "space"
    return "platforms"


def seed_categories() -> dict[str, Category]:
    for order, (slug, name_ko, name_en) in enumerate(SEED_CATEGORIES):
        Category.objects.get_or_create(
            slug=slug, defaults={"name_ko": name_ko, "name_en": name_en, "order": order * 10}
        )
    return {c.slug: c for c in Category.objects.all()}


def district_address(district: District) -> str:
    """The address of a place known only by its district: the district, a proper noun."""
    return f"서울특별시 {district.name_ko}"


def district_label(district: District) -> dict[str, str]:
    """The place name of an address known only by its district, in both languages."""
    return {"label_ko": f"{district.name_ko} 일대", "label_en": f"around {district.name_en}"}


def _relabel_earlier_demo() -> None:
    """Earlier demos wrote "광진구 일대" as the address itself, in Korean on every page: such an
    address of a demo organization becomes the district with its place name in both languages.
    Read first, so a load with nothing to correct writes nothing (no kept page goes stale)."""
    candidates = ListingAddress.objects.filter(
        listing__organization__name_ko__in=[row["name_ko"] for row in demo_rows()],
        district__isnull=False,
        address__endswith=" 일대",
    ).select_related("district")
    for address in candidates:
        district = address.district
        if district is not None and address.address == f"{district.name_ko} 일대":
            ListingAddress.objects.filter(pk=address.pk).update(
                address=district_address(district), **district_label(district)
            )


@transaction.atomic
def load_directory_demo(*, actor: Any) -> int:
    """Give each demo organization its listing; returns how many listings were created."""
    categories = seed_categories()
    districts = {d.name_en: d for d in District.objects.defer("boundary")}
    _relabel_earlier_demo()
    texts = demo_texts()
    created = 0
    for row in demo_rows():
        organization = Organization.objects.filter(name_ko=row["name_ko"]).first()
        if organization is None or Listing.objects.filter(organization=organization).exists():
            continue
        text = texts[row["name_ko"]]
        listing = Listing.objects.create(
            organization=organization,
            summary_ko=text["summary"]["ko"],
            summary_en=text["summary"]["en"],
            description_ko=text["listing"]["ko"],
            description_en=text["listing"]["en"],
        )
        listing.full_clean()
        listing.categories.add(categories[category_slug(row["category"])])
        district = districts.get(row["district_en"])
        if district is not None:
            listing.districts_served.add(district)
            ListingAddress.objects.create(
                listing=listing,
                address=district_address(district),
                latitude=float(district.latitude),
                longitude=float(district.longitude),
                district=district,
                **district_label(district),
            )
        for order, spec in enumerate(text["services"]):
            category = categories[spec["category"]]
            listing.categories.add(category)
            how_to_use = spec.get("how_to_use", {})
            service = Service(
                listing=listing,
                name_ko=spec["name"]["ko"],
                name_en=spec["name"]["en"],
                description_ko=spec["description"]["ko"],
                description_en=spec["description"]["en"],
                how_to_use_ko=how_to_use.get("ko", ""),
                how_to_use_en=how_to_use.get("en", ""),
                category=category,
                price_type=PriceType(spec["price"]),
                link=row["website"],
                order=order,
            )
            service.full_clean()
            service.save()
        reindex_listing(listing)
        created += 1
    return created
