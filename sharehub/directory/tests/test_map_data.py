"""The map's GeoJSON, read as plain rows (no model instances): the same features the models give."""

from __future__ import annotations

import pytest
from django.utils import translation

from sharehub.directory.selectors import listing_features
from sharehub.moderation.models import ModerationStatus

from .factories import AddressFactory, ListingFactory

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
