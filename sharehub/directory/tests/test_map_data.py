"""The map's GeoJSON, read as plain rows (no model instances): the same features the models give."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from sharehub.directory.geojson import _SLUG_MARK, _feature, _quote_links
from sharehub.directory.models import ListingAddress
from sharehub.directory.selectors import listing_features, listing_features_json
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


# Texts that JSON must escape, or must not: quotes, backslashes, every control character, DEL,
# the line separators JavaScript minds, astral and combining characters.
_AWKWARD = [
    '따옴표 " 와 \\ 역슬래시',
    "".join(chr(c) for c in range(1, 32)) + "\x7f",
    "줄\u2028나눔\u2029끝 🚲 e\u0301",
    "",
]
# Whole numbers (Python writes "127.0"), signed zero, tiny and long fractions.
_COORDINATES = [
    (0.0, 0.0),
    (-0.0, -0.0),
    (37.0, 127.0),
    (-90.0, -180.0),
    (90.0, 180.0),
    (1e-05, -1.5e-07),
    (37.5665, 126.978),
    (0.1 + 0.2, 1 / 3),
    (-33.868820000000005, 151.20929),
]


@pytest.mark.parametrize(("lang", "float_digits"), [("ko", 1), ("en", 1), ("ko", 0), ("ko", 3)])
def test_the_database_writes_the_same_bytes_as_python(lang, float_digits):
    """On PostgreSQL the database writes the features (`listing_features_json`): byte for byte
    what `geojson._feature` writes from the rows, escapes, numbers, links and cap included,
    whatever float8's text (`extra_float_digits`: the rows Python reads are that text too).
    Elsewhere Python writes them (None)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET extra_float_digits = %s", [float_digits])
    slugs = ["plain-ascii_1", "나눔-창고", "공유 ?#%/~:@!$&'()*+,;=\"<>^`{|}[]\\", "é-ü"]
    listings = [
        ListingFactory(
            organization__slug=slug,
            organization__name_ko=_AWKWARD[n % len(_AWKWARD)],
            organization__name_en="" if n % 2 else f'Name {n} \t"quoted"',
            summary_ko=_AWKWARD[(n + 1) % len(_AWKWARD)],
            summary_en=_AWKWARD[(n + 2) % len(_AWKWARD)],
        )
        for n, slug in enumerate(slugs)
    ]
    rnd = random.Random(18)
    coordinates = (
        _COORDINATES
        + [(rnd.uniform(-90, 90), rnd.uniform(-180, 180)) for _ in range(60)]
        + [
            (round(rnd.uniform(-90, 90), rnd.randrange(8)), float(rnd.randrange(-180, 181)))
            for _ in range(30)
        ]
    )
    for n, (latitude, longitude) in enumerate(coordinates):
        AddressFactory(
            listing=listings[n % len(listings)],
            address=_AWKWARD[n % len(_AWKWARD)] + f" {n}",
            latitude=latitude,
            longitude=longitude,
        )
    category = CategoryFactory()
    listings[1].categories.add(category)
    with translation.override(lang):
        prefix, suffix = reverse("directory:detail", kwargs={"slug": _SLUG_MARK}).split(_SLUG_MARK)
        for filters, limit in [({}, 5000), ({}, 50), ({"category": category}, 5000), ({}, 0)]:
            rows, truncated = listing_features(limit=limit, **filters)
            python = ",".join(_feature(row, prefix, suffix) for row in rows)
            written = listing_features_json(prefix=prefix, suffix=suffix, limit=limit, **filters)
            if connection.vendor != "postgresql":
                assert written is None
                continue
            assert written is not None
            assert (_quote_links(written, prefix, suffix), written.truncated) == (python, truncated)
        assert len(rows) == 0 and truncated
    assert len(listing_features()[0]) == len(coordinates)
