from __future__ import annotations

import pytest

from sharehub.directory.models import Category, Suggestion

from .factories import AddressFactory, ListingFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [3, 30])
def test_api_list_query_count_constant(client, count, django_assert_max_num_queries):
    space = Category.objects.get(slug="space")
    for _ in range(count):
        listing = ListingFactory()
        listing.categories.add(space)
        AddressFactory(listing=listing)
    client.get("/api/v1/directory/listings?category=space")  # keeps the total
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/directory/listings?category=space&near=37.5,127.0")
    assert response.status_code == 200
    assert response.json()["count"] == count
    assert response.json()["results"][0]["distance_km"] is not None


def test_api_bad_filters_are_422_in_both_languages(client):
    response = client.get(
        "/api/v1/directory/listings?price=cheap&near=1", HTTP_ACCEPT_LANGUAGE="ko"
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"price", "near"}
    en = client.get("/api/v1/directory/listings?price=cheap", HTTP_ACCEPT_LANGUAGE="en").json()
    ko = client.get("/api/v1/directory/listings?price=cheap", HTTP_ACCEPT_LANGUAGE="ko").json()
    assert en["errors"]["price"] != ko["errors"]["price"]


def test_api_detail_services_categories_geojson(client, listing):
    AddressFactory(listing=listing)
    slug = listing.organization.slug
    assert client.get(f"/api/v1/directory/listings/{slug}").json()["slug"] == slug
    assert client.get(f"/api/v1/directory/listings/{slug}/services").json() == []
    assert len(client.get("/api/v1/directory/categories").json()) == 13
    assert len(client.get("/api/v1/directory/listings.geojson").json()["features"]) == 1
    assert client.get("/api/v1/directory/listings/nope").status_code == 404


def test_api_patch_own_listing(client, listing, member, other_member):
    url = f"/api/v1/directory/listings/{listing.organization.slug}"
    assert (
        client.patch(url, {"summary_ko": "x"}, content_type="application/json").status_code == 401
    )
    client.force_login(other_member)
    assert (
        client.patch(url, {"summary_ko": "x"}, content_type="application/json").status_code == 403
    )
    client.force_login(member)
    response = client.patch(
        url, {"summary_ko": "가" * 301, "categories": ["nope"]}, content_type="application/json"
    )
    assert response.status_code == 422
    response = client.patch(
        url, {"summary_ko": "좋아요", "categories": ["space"]}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["categories"][0]["slug"] == "space"


def test_api_suggestions(client, user, listing):
    url = "/api/v1/directory/suggestions"
    body = {
        "kind": "correction",
        "listing": listing.organization.slug,
        "values": {"phone": "02-000-0000"},
    }
    assert client.post(url, body, content_type="application/json").status_code == 401
    client.force_login(user)
    assert client.post(url, body, content_type="application/json").status_code == 201
    bad = client.post(
        url,
        {"kind": "correction", "listing": listing.organization.slug, "values": {"email": "x"}},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "email" in bad.json()["errors"]
    assert [s["kind"] for s in client.get(url).json()] == ["correction"]
    assert Suggestion.objects.count() == 1


def test_openapi_lists_directory(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/directory/listings" in paths
