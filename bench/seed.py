"""Benchmark data: the real districts and N published organizations, inserted in bulk."""

from __future__ import annotations

from itertools import cycle

BATCH = 1000
KINDS = ["enterprise", "nonprofit", "cooperative", "public", "community"]


def load_districts() -> int:
    from sharehub.places.models import District
    from sharehub.places.services import bundled_district_files
    from sharehub.places.services import load_districts as load

    geojson, centroids = bundled_district_files()
    load(geojson_path=geojson, centroids_csv=centroids)
    return District.objects.count()


def grow_organizations_to(total: int) -> int:
    """Add published organizations (spread over districts and kinds) until there are `total`."""
    from sharehub.moderation.models import ModerationStatus
    from sharehub.organizations.models import Organization
    from sharehub.places.models import District

    start = Organization.objects.count()
    districts = cycle(list(District.objects.order_by("pk")) or [None])
    kinds = cycle(KINDS)
    batch = []
    for n in range(start, total):
        batch.append(
            Organization(
                slug=f"bench-{n:05d}",
                name_ko=f"공유단체 {n:05d}",
                name_en=f"Sharing organization {n:05d}",
                kind=next(kinds),
                district=next(districts),
                description_ko="이웃과 물건, 공간, 시간을 나눕니다. " * 4,
                description_en="Sharing goods, spaces and time with neighbours. " * 4,
                moderation_status=ModerationStatus.PUBLISHED,
            )
        )
        if len(batch) == BATCH:
            Organization.objects.bulk_create(batch)
            batch = []
    if batch:
        Organization.objects.bulk_create(batch)
    return Organization.objects.count()


def insert_rows(model, template, rows: list[dict]) -> None:
    """INSERT many rows of `model`, each the `template` instance with the fields of one dict changed.

    What bulk_create does, without building a model instance per row (its cost dominates the
    seeding of 100,000 listings): every column, defaults included, comes from the template, so a
    field added to the model later is filled too.
    """
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    base = {f.attname: f.pre_save(template, add=True) for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    params = [
        [f.get_db_prep_save(row.get(f.attname, base[f.attname]), connection) for f in fields]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def grow_listings_to(total: int) -> int:
    """Add published organizations, each with a listing, one category and one located address,
    until there are `total` listings.

    The addresses sit near their district's centroid (within about a kilometre), spread over
    the 25 districts, so the map data has real points everywhere in the city.
    """
    from django.db import transaction

    from sharehub.directory.models import Category, Listing, ListingAddress
    from sharehub.moderation.models import ModerationStatus
    from sharehub.organizations.models import Organization
    from sharehub.places.models import District

    districts = list(District.objects.defer("boundary").order_by("pk"))
    categories = list(Category.objects.filter(active=True).order_by("pk"))
    through = Listing.categories.through
    organization = Organization(
        kind=KINDS[0],
        description_ko="이웃과 물건, 공간, 시간을 나눕니다. " * 4,
        description_en="Sharing goods, spaces and time with neighbours. " * 4,
        moderation_status=ModerationStatus.PUBLISHED,
    )
    listing = Listing(
        summary_ko="함께 나눠 쓰는 공간과 물건", summary_en="Spaces and goods we share"
    )
    address = ListingAddress()
    start = Listing.objects.count()
    for offset in range(start, total, BATCH):
        numbers = range(offset, min(offset + BATCH, total))
        with transaction.atomic():
            insert_rows(
                Organization,
                organization,
                [
                    {
                        "slug": f"bench-dir-{n:06d}",
                        "name": f"공유서비스 {n:06d}",
                        "name_ko": f"공유서비스 {n:06d}",
                        "name_en": f"Sharing service {n:06d}",
                        "kind": KINDS[n % len(KINDS)],
                        "district_id": districts[n % len(districts)].pk,
                    }
                    for n in numbers
                ],
            )
            slugs = [f"bench-dir-{n:06d}" for n in numbers]
            organization_ids = dict(
                Organization.objects.filter(slug__in=slugs).values_list("slug", "pk")
            )
            insert_rows(
                Listing, listing, [{"organization_id": organization_ids[slug]} for slug in slugs]
            )
            listing_ids = dict(
                Listing.objects.filter(organization__slug__in=slugs).values_list(
                    "organization__slug", "pk"
                )
            )
            addresses, links = [], []
            for n, slug in zip(numbers, slugs, strict=False):
                district = districts[n % len(districts)]
                # ±0.01° around the centroid, deterministic.
                jitter_lat, jitter_lon = (
                    ((n * 37) % 201 - 100) / 10_000,
                    ((n * 53) % 201 - 100) / 10_000,
                )
                addresses.append(
                    {
                        "listing_id": listing_ids[slug],
                        "address": f"{district.name_ko} 공유로 {n % 500 + 1}",
                        "latitude": float(district.latitude) + jitter_lat,
                        "longitude": float(district.longitude) + jitter_lon,
                        "district_id": district.pk,
                    }
                )
                links.append(
                    {
                        "listing_id": listing_ids[slug],
                        "category_id": categories[n % len(categories)].pk,
                    }
                )
            insert_rows(ListingAddress, address, addresses)
            insert_rows(through, through(), links)
    return Listing.objects.count()


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load, as autovacuum (PostgreSQL) or
    `PRAGMA optimize` (SQLite) eventually would, so the large table is measured in its steady state."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
