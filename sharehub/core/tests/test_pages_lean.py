"""What the main pages leave unread (issue 18): a district's boundary on every list.

A district's boundary is its GeoJSON (8 KB on average in Seoul, up to 25 KB). Joined with
`select_related("district")` it was read and decoded for every row of a list: most of the home
page's and the events list's database time. Only the maps read boundaries, through their own
GeoJSON endpoints.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sharehub.directory.tests.factories import ListingFactory
from sharehub.events.tests.factories import EventFactory
from sharehub.facilities.tests.factories import SpaceFactory
from sharehub.news.tests.factories import ArticleFactory
from sharehub.organizations.tests.factories import OrganizationFactory
from sharehub.places.tests.factories import DistrictFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

BOUNDARY = '"places_district"."boundary"'


@pytest.fixture
def city():
    district = DistrictFactory()
    organizations = OrganizationFactory.create_batch(3, district=district)
    for organization in organizations:
        ListingFactory(organization=organization)
        EventFactory(organization=organization, district=district)
        ArticleFactory(organization=organization)
    SpaceFactory.create_batch(2, district=district)
    return district


@pytest.mark.parametrize(
    "path",
    [
        "/ko/",
        "/ko/directory/",
        "/ko/events/",
        "/en/events/",
        "/ko/news/",
        "/ko/organizations/",
        "/ko/spaces/",
        "/ko/designation/",
        "/api/v1/events",
        "/api/v1/directory/listings",
        "/api/v1/spaces",
        "/api/v1/organizations",
    ],
)
def test_no_list_reads_a_boundary(city, path):
    client = Client()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    reading = [q["sql"][:200] for q in captured.captured_queries if BOUNDARY in q["sql"]]
    assert reading == [], path


def test_a_districts_page_reads_no_boundary(city):
    client = Client()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/ko/districts/{city.slug}/")
    assert response.status_code == 200
    assert [q for q in captured.captured_queries if BOUNDARY in q["sql"]] == []


@pytest.mark.parametrize("page", ["/ko/directory/", "/en/directory/?sort=newest", "district"])
def test_listing_cards_read_only_what_they_show(city, page):
    """A listing card shows its organization's name and summary: the organization's long
    columns (its description, contacts, address) stay unread, and nothing is read row by row
    (a deferred column read later would be one query per card)."""
    path = f"/ko/districts/{city.slug}/" if page == "district" else page
    client = Client()
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    assert response.content.decode().count('href="/ko/directory/') >= 3 or "/en/" in path
    description = '"organizations_organization"."description_ko"'
    assert [q["sql"][:200] for q in captured.captured_queries if description in q["sql"]] == []
    assert len(captured.captured_queries) <= 8


def test_no_detail_page_reads_a_boundary(city, user):
    """An event's, a listing's and an article's page, the proposals' list with their districts:
    the district comes joined or prefetched, its outline left unread (signed in too)."""
    from sharehub.directory.models import Listing
    from sharehub.news.models import Article
    from sharehub.participation.tests.factories import ProposalFactory

    event = EventFactory(district=city)
    article = Article.objects.filter(organization__district=city).first()
    article.districts.add(city)
    listing = Listing.objects.filter(organization__district=city).first()
    listing.districts_served.add(city)
    ProposalFactory().districts.add(city)
    signed_in = Client()
    signed_in.force_login(user)
    for client in (Client(), signed_in):
        for path in (
            f"/ko/events/{event.pk}/",
            f"/ko/directory/{listing.organization.slug}/",
            f"/ko/news/articles/{article.slug}/",
            "/ko/participate/",
        ):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            assert response.status_code == 200, path
            reading = [q["sql"][:200] for q in captured.captured_queries if BOUNDARY in q["sql"]]
            assert reading == [], path
