"""Directory demo data: the 41 real organizations (created by organizations/demo.py from
data/sharing-organizations.csv) get a listing with categories, districts, an address and one
service derived from their category. Looked up before created: loading twice changes nothing.

Coordinates: the CSV gives a district for a few organizations; their address sits at the
district's centroid (no better is known). Organizations with no district get no address rather
than an invented one, and serve the whole city.
"""

from __future__ import annotations

import csv
from typing import Any

from django.db import transaction

from sharehub.core.demo import DATA_DIR
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
# One service per organization, named for its category: (Korean, English, price type).
SERVICE_BY_CATEGORY = {
    "space": ("공간 대여", "Space rental", PriceType.PAID),
    "goods-and-tools": ("물건·공구 대여", "Lending goods and tools", PriceType.DEPOSIT),
    "car-sharing-and-parking": ("차량·주차 공유", "Vehicle and parking sharing", PriceType.PAID),
    "clothing": ("정장 대여", "Suit rental", PriceType.PAID),
    "childrens-goods": ("아동용품 나눔", "Children's goods exchange", PriceType.MEMBERSHIP),
    "books": ("도서 나눔", "Book sharing", PriceType.FREE),
    "housing-and-rooms": ("공유 주거", "Shared housing", PriceType.PAID),
    "skills-and-knowledge": ("재능·경험 나눔", "Sharing skills and experience", PriceType.PAID),
    "time-and-care": ("돌봄 나눔", "Sharing care", PriceType.MEMBERSHIP),
    "food": ("먹거리 나눔", "Food sharing", PriceType.FREE),
    "travel": ("여행·숙박 공유", "Travel and lodging sharing", PriceType.PAID),
    "culture": ("문화 나눔", "Sharing culture", PriceType.FREE),
    "platforms": ("공유 플랫폼", "Sharing platform", PriceType.FREE),
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


@transaction.atomic
def load_directory_demo(*, actor: Any) -> int:
    """Give each demo organization its listing; returns how many listings were created."""
    categories = seed_categories()
    districts = {d.name_en: d for d in District.objects.defer("boundary")}
    created = 0
    with open(DATA_DIR / "sharing-organizations.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            organization = Organization.objects.filter(name_ko=row["name_ko"]).first()
            if organization is None or Listing.objects.filter(organization=organization).exists():
                continue
            slug = category_slug(row["category"])
            category = categories[slug]
            summary = row["description_en"].split(";")[0].strip()[:300]
            listing = Listing.objects.create(
                organization=organization, summary_en=summary, summary_ko=""
            )
            listing.categories.add(category)
            district = districts.get(row["district_en"])
            if district is not None:
                listing.districts_served.add(district)
                ListingAddress.objects.create(
                    listing=listing,
                    address=f"{district.name_ko} 일대",
                    latitude=float(district.latitude),
                    longitude=float(district.longitude),
                    district=district,
                )
            name_ko, name_en, price = SERVICE_BY_CATEGORY[slug]
            Service.objects.create(
                listing=listing,
                name_ko=name_ko,
                name_en=name_en,
                category=category,
                price_type=price,
                link=row["website"],
            )
            reindex_listing(listing)
            created += 1
    return created
