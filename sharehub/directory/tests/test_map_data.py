"""The map's GeoJSON, read as plain rows (no model instances): the same features the models give."""

from __future__ import annotations

import pytest
from django.utils import translation

from sharehub.directory.models import ListingAddress
from sharehub.directory.selectors import listing_features
from sharehub.moderation.models import ModerationStatus

from .factories import AddressFactory, CategoryFactory, ListingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


def _features(client, lang: str = "ko", query: str = "") -> list[dict]:
    response = client.get(f"/{lang}/directory/listings.geojson{query}")
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection" and body["truncated"] is False
    if lang == "ko":  # the API answers the same, in the default language
        assert client.get(f"/api/v1/directory/listings.geojson{query}").json() == body
    return body["features"]


def test_each_feature_as_the_models_give_it(client):
    korean = ListingFactory(
        organization__slug="나눔-창고",
        organization__name_ko="나눔 창고",
        organization__name_en="",
        summary_ko="",
        summary_en="Tools to borrow",
    )
    # Quotes, a backslash and a line break: the text is written by hand, it must stay JSON.
    written = '마포구 "공유로" 1\\2\n뒤'
    address = AddressFactory(listing=korean, address=written, latitude=37.55, longitude=126.9)
    [feature] = _features(client)
    assert feature["id"] == f"나눔-창고-{address.pk}"
    assert feature["geometry"] == {"type": "Point", "coordinates": [126.9, 37.55]}
    # The link is the listing's own address (a Korean slug percent-encoded as reverse() does).
    with translation.override("ko"):
        assert feature["properties"]["url"] == korean.get_absolute_url()
    assert "%EB%82%98%EB%88%94" in feature["properties"]["url"]
    # Each text in the reader's language, else the other one, as the models fall back.
    assert feature["properties"]["name"] == "나눔 창고"
    assert feature["properties"]["summary"] == "Tools to borrow"
    assert feature["properties"]["address"] == written
    [english] = _features(client, "en")
    assert english["properties"]["name"] == "나눔 창고"
    with translation.override("en"):
        assert english["properties"]["url"] == korean.get_absolute_url()


def test_only_public_located_listings_in_listing_order_up_to_the_cap(client):
    shown = [AddressFactory(), AddressFactory(), AddressFactory()]
    AddressFactory(listing=shown[0].listing)  # a second place of the first listing
    AddressFactory(listing__moderation_status=ModerationStatus.HIDDEN)
    AddressFactory(listing__organization__moderation_status=ModerationStatus.HIDDEN)
    AddressFactory(latitude=None, longitude=None)
    ids = [feature["id"].rsplit("-", 1)[1] for feature in _features(client)]
    expected = sorted(
        [*shown, shown[0].listing.addresses.last()], key=lambda a: (a.listing_id, a.pk)
    )
    assert ids == [str(a.pk) for a in expected]

    rows, truncated = listing_features(limit=2)
    assert [row.pk for row in rows] == [a.pk for a in expected[:2]] and truncated
    rows, truncated = listing_features(limit=4)
    assert len(rows) == 4 and not truncated


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_whole_and_filtered_maps_are_what_the_models_show(client, lang):
    """The whole public map checks "public" on the rows it joins (PostgreSQL) or by EXISTS
    (SQLite, and any filtered map): either way exactly the public located addresses, in listing
    order, each feature's texts as the models give them in the reader's language."""
    category = CategoryFactory()
    listings = [
        ListingFactory(organization__name_en="", summary_ko=""),
        ListingFactory(summary_en=""),
        ListingFactory(organization__name_en="Tool library"),
        ListingFactory(moderation_status=ModerationStatus.HIDDEN),
        ListingFactory(organization__moderation_status=ModerationStatus.HIDDEN),
        ListingFactory(moderation_status=ModerationStatus.PENDING),
    ]
    for listing in listings[::2]:
        listing.categories.add(category)
    for n, listing in enumerate(listings):
        AddressFactory(listing=listing, address=f'주소 {n}, "{n}"', latitude=37.5 + n / 100)
        AddressFactory(listing=listing, latitude=None, longitude=None)
    AddressFactory(listing=listings[0], address="두 번째 곳", longitude=127.01)

    def expected(only=None) -> list[dict]:
        with translation.override(lang):
            return [
                {
                    "id": f"{address.listing.organization.slug}-{address.pk}",
                    "coordinates": [address.longitude, address.latitude],
                    "name": address.listing.organization.name,
                    "summary": address.listing.summary,
                    "address": address.address,
                    "url": address.listing.get_absolute_url(),
                }
                for address in ListingAddress.objects.select_related("listing__organization")
                .filter(latitude__isnull=False)
                .order_by("listing_id", "pk")
                if address.listing.is_public and (only is None or address.listing_id in only)
            ]

    def shown(query: str = "") -> list[dict]:
        return [
            {
                "id": feature["id"],
                "coordinates": feature["geometry"]["coordinates"],
                **{key: feature["properties"][key] for key in ("name", "summary", "address")},
                "url": feature["properties"]["url"],
            }
            for feature in _features(client, lang, query)
        ]

    whole = shown()
    assert whole == expected() and len(whole) == 4
    assert shown(f"?category={category.slug}") == expected(only={listings[0].pk, listings[2].pk})
