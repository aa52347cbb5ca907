from __future__ import annotations

import pytest
from django.urls import reverse

from sharehub.directory.models import Category

from .factories import AddressFactory, ListingFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def _make(count: int) -> None:
    space = Category.objects.get(slug="space")
    for _ in range(count):
        listing = ListingFactory()
        listing.categories.add(space)
        AddressFactory(listing=listing)
        ServiceFactory(listing=listing)


@pytest.mark.parametrize("count", [3, 30])
def test_list_page_query_count_constant(client, count, django_assert_max_num_queries):
    _make(count)
    client.get("/ko/directory/?category=space")  # the first counts and keeps the total
    with django_assert_max_num_queries(8):
        response = client.get("/ko/directory/?category=space")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_geojson_query_count_constant(client, count, django_assert_max_num_queries):
    _make(count)
    with django_assert_max_num_queries(4):
        response = client.get("/ko/directory/listings.geojson?category=space")
    assert response.status_code == 200
    assert len(response.json()["features"]) == count


def test_list_shows_errors_in_both_languages(client):
    assert "There is no category" in client.get("/en/directory/?category=nope").content.decode()
    assert "분류" in client.get("/ko/directory/?category=nope").content.decode()


def test_geojson_bad_filter_is_422(client):
    response = client.get("/en/directory/listings.geojson?near=abc")
    assert response.status_code == 422
    assert "near" in response.json()["errors"]


def test_detail_and_map_pages(client, listing):
    AddressFactory(listing=listing)
    ServiceFactory(listing=listing, name_ko="<b>대여</b>")
    response = client.get(f"/ko/directory/{listing.organization.slug}/")
    assert response.status_code == 200
    assert "&lt;b&gt;대여&lt;/b&gt;" in response.content.decode()
    assert client.get("/ko/directory/map/?category=space").status_code == 200


def test_member_edits_listing_with_field_errors(client, listing, member):
    client.force_login(member)
    url = reverse("directory:edit", args=[listing.organization.slug])
    response = client.post(url, {"summary_ko": "가" * 301, "email": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"summary_ko", "email"}
    response = client.post(
        url, {"summary_ko": "새 요약 😀", "links_text": "Blog | https://example.org"}
    )
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.summary_ko == "새 요약 😀"


def test_pages_use_the_one_map(client, listing):
    """The list's map and a listing's map are the hub's one map (core), with the hub's markers."""
    AddressFactory(listing=listing, latitude=37.57, longitude=126.98)
    for url in ("/ko/directory/map/?category=space", f"/ko/directory/{listing.organization.slug}/"):
        html = client.get(url).content.decode()
        assert "core/js/map.js" in html and "data-map" in html, url
        assert "vendor/leaflet/images/marker-icon.png" in html, url
        assert "directory-map.js" not in html, url
    html = client.get("/ko/directory/map/?category=space").content.decode()
    assert 'data-points-url="/ko/directory/listings.geojson?category=space"' in html
