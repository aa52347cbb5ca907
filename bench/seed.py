"""Benchmark data: the real districts and N published organizations, inserted in bulk."""

from __future__ import annotations

from itertools import cycle

BATCH = 1000
KINDS = ["enterprise", "nonprofit", "cooperative", "public", "community"]


def load_districts() -> int:
    from sharehub.places.models import District
    from sharehub.places.services import bundled_district_files, load_districts as load

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
