"""The browse filters are declared once (filters.ListingFilterForm): the list page, the map, the
page's GeoJSON and the API validate the same parameters with the same messages."""

from __future__ import annotations

import pytest

from sharehub.directory.filters import ListingFilterForm
from sharehub.directory.models import Sort
from sharehub.directory.selectors import browse_listings

from .factories import AddressFactory, ListingFactory

pytestmark = pytest.mark.django_db

PARAMETERS = {"q", "category", "district", "designated", "price", "sort", "near"}


@pytest.mark.parametrize("word", ["0", "false", "no", "off", ""])
def test_designated_false_words_do_not_filter(word):
    form = ListingFilterForm({"designated": word})
    assert form.is_valid() and form.cleaned_data["designated"] is False


@pytest.mark.parametrize("word", ["1", "true", "on", "yes", "TRUE"])
def test_designated_true_words_filter(word):
    form = ListingFilterForm({"designated": word})
    assert form.is_valid() and form.cleaned_data["designated"] is True


def test_bad_values_are_field_errors_and_the_others_still_apply():
    form = ListingFilterForm({"designated": "maybe", "q": "x" * 101, "sort": Sort.NEWEST})
    assert set(form.errors) == {"designated", "q"}
    assert form.applied()["sort"] == Sort.NEWEST


def test_distance_sort_needs_a_point():
    form = ListingFilterForm({"sort": Sort.DISTANCE})
    assert set(form.errors) == {"near"}
    form = ListingFilterForm({"sort": Sort.DISTANCE, "near": "37.5,127"})
    assert form.is_valid() and form.cleaned_data["near"] == (37.5, 127.0)


def test_near_alone_sorts_by_distance():
    far, near = ListingFactory(), ListingFactory()
    AddressFactory(listing=far, latitude=37.7, longitude=127.1)
    AddressFactory(listing=near, latitude=37.5, longitude=127.0)
    filters = ListingFilterForm({"near": "37.5,127"}).applied()
    assert list(browse_listings(**filters).queryset) == [near, far]


def test_list_page_shows_each_error_next_to_its_field(client):
    html = client.get("/en/directory/?category=nope&designated=maybe").content.decode()
    assert 'id="id_category_error"' in html and 'id="id_designated_error"' in html
    assert "There is no category with this address name." in html
    assert "Enter true or false." in html


def test_page_geojson_errors_have_the_api_shape(client):
    response = client.get("/en/directory/listings.geojson?near=abc&designated=maybe")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert set(body["errors"]) == {"near", "designated"}
    api = client.get("/api/v1/directory/listings.geojson?near=abc", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 422 and api.json()["errors"]["near"] == body["errors"]["near"]


def test_openapi_documents_the_same_parameters(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/directory/listings", "/api/v1/directory/listings.geojson"):
        names = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert names >= PARAMETERS, path
