"""A district's page lists the services of the district and, after them, those serving the whole
city: it never says "no service" while the city-wide ones are there."""

from __future__ import annotations

import pytest

from sharehub.directory.tests.factories import AddressFactory, ListingFactory
from sharehub.moderation.models import ModerationStatus
from sharehub.places.tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


def test_a_district_without_its_own_services_still_lists_the_city_wide_ones(client):
    quiet = DistrictFactory(slug="quiet-gu", name_ko="조용구", name_en="Quiet-gu")
    ListingFactory(organization__name_ko="전역 카셰어링", organization__name_en="Car sharing")
    ListingFactory().districts_served.add(DistrictFactory())  # serves another district only
    html = client.get(f"/en/districts/{quiet.slug}/").content.decode()
    assert "No sharing service is listed in this district yet." not in html
    assert (
        "0 listings serve this district or have an address in it; 1 more serves the whole city."
        in html
    )
    assert "Car sharing" in html and '<li class="tag city-wide">The whole city</li>' in html
    ko = client.get(f"/ko/districts/{quiet.slug}/").content.decode()
    assert "서울 전역에서 이용할 수 있는 항목 1개가 더 있습니다." in ko


def test_local_services_come_first_and_are_counted_apart(client):
    mapo = DistrictFactory(slug="mapo-gu")
    AddressFactory(listing__organization__name_en="Z local library", district=mapo)
    for name in ("A car sharing", "B suit lending"):
        ListingFactory(organization__name_en=name)
    html = client.get(f"/en/districts/{mapo.slug}/").content.decode()
    assert "1 listing serves this district or has an address in it; 2 more serve" in html
    listings = html[html.index('id="listings-heading"') :]
    assert listings.index("Z local library") < listings.index("A car sharing")


def test_a_district_with_nothing_at_all_says_so(client):
    lonely = DistrictFactory(slug="lonely-gu")
    html = client.get(f"/en/districts/{lonely.slug}/").content.decode()
    assert "No sharing service is listed in this district yet." in html


def test_the_kept_counts_move_with_the_write_that_changes_them(client, no_page_cache):
    """The two counts are kept between writes (directory.counts): a listing that starts serving
    the district moves one from the city-wide count to the district's own at once, and one
    hidden leaves both."""
    mapo = DistrictFactory(slug="mapo-gu")
    AddressFactory(listing__organization__name_en="Local library", district=mapo)
    roaming = ListingFactory()
    url = f"/en/districts/{mapo.slug}/"
    for _ in range(2):  # counted, then kept
        assert "1 listing serves this district or has an address in it; 1 more serves" in (
            client.get(url).content.decode()
        )
    roaming.districts_served.add(mapo)
    assert "2 listings serve this district or have an address in it; 0 more serve" in (
        client.get(url).content.decode()
    )
    type(roaming).objects.filter(pk=roaming.pk).update(moderation_status=ModerationStatus.HIDDEN)
    assert "1 listing serves this district or has an address in it; 0 more serve" in (
        client.get(url).content.decode()
    )
