"""The one map (core/partials/map.html, core/js/map.js) as pages render it: the base map under
every map, single points close up, "my location", pickers on the address forms, and the map after
the primary action on a page."""

from __future__ import annotations

import json
import re

import pytest
from django.template import Context, Template
from django.templatetags.static import static
from django.utils import translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.directory.tests.factories import AddressFactory, ListingFactory
from sharehub.events.tests.factories import EventFactory
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory
from sharehub.places.tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


def render(source: str, **context) -> str:
    return Template("{% load maps %}" + source).render(Context(context))


def test_assets_load_the_one_script_and_clustering_only_when_asked():
    plain = render("{% map_assets %}")
    assert static("core/js/map.js") in plain and "markercluster" not in plain
    assert "markercluster" in render("{% map_assets cluster=True %}")


def test_markers_use_the_hubs_own_images():
    """Leaflet guesses its icon folder from leaflet.css, which fails once static names are
    hashed: the map is given the images' static addresses instead."""
    html = render('{% map "m" "Map" points=points %}', points=[{"lat": 1, "lon": 2, "name": "a"}])
    assert f'data-icon-url="{static("vendor/leaflet/images/marker-icon.png")}"' in html
    assert f'data-shadow-url="{static("vendor/leaflet/images/marker-shadow.png")}"' in html


def attributes(html: str, element_id: str) -> dict[str, str]:
    tag = re.search(rf'<div id="{element_id}"[^>]*>', html, re.S).group(0)
    return {
        name: value.replace("&quot;", '"').replace("&amp;", "&")
        for name, value in re.findall(r'\sdata-([a-z-]+)(?:="([^"]*)")?', tag)
    }


def test_points_center_and_options():
    html = render(
        '{% map "m" "Places" points=points zoom=15 small=True boundary_url="/b" labels=True '
        'focus="mapo-gu" cluster=True points_url="/p" query="a=1" no_script="No JS" %}',
        points=[{"lat": 37.5, "lon": 127.0, "name": "<b>"}],
    )
    assert 'id="m" class="map map-small" role="region" aria-label="Places"' in html
    assert 'data-center="37.5,127.0" data-zoom="15"' in html
    assert 'data-boundary-url="/b"' in html and "data-labels" in html and "data-cluster" in html
    assert 'data-focus="mapo-gu"' in html and 'data-points-url="/p?a=1"' in html
    assert "&lt;b&gt;" in html and "<noscript>" in html
    start = html.index('data-points="') + len('data-points="')
    raw = html[start : html.index('"', start)].replace("&quot;", '"').replace("&lt;", "<")
    assert json.loads(raw.replace("&gt;", ">"))[0]["name"] == "<b>"


def test_without_points_the_map_opens_on_the_city(settings):
    settings.SHAREHUB_CITY = {**settings.SHAREHUB_CITY, "map_center": [1.5, 2.5], "map_zoom": 9}
    html = render('{% map "m" "Map" skip_href="#list" skip_label="Skip" %}')
    assert 'data-center="1.5,2.5" data-zoom="9"' in html
    assert '<a href="#list">Skip</a>' in html


# --- the base map, single points, "my location" ---------------------------------------------


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_map_draws_the_registered_base_map_in_its_language(lang):
    with translation.override(lang):
        layers = json.loads(attributes(render('{% map "m" "Map" %}'), "m")["base-layers"])
    assert [(layer["name"], layer["url"], layer["rank"]) for layer in layers] == [
        ("districts", f"/{lang}/districts/districts.geojson", "major"),
        ("neighbourhoods", f"/{lang}/districts/neighbourhoods.geojson", "minor"),
    ]
    districts, neighbourhoods = layers
    # Districts are named at the city's zooms, neighbourhoods drawn and named from street level.
    assert districts["minZoom"] == 0 and districts["labelsFrom"] <= 11 < districts["labelsUntil"]
    assert neighbourhoods["minZoom"] == 13 and neighbourhoods["labelsFrom"] == 14


def test_one_point_opens_close_up_and_a_city_map_at_the_citys_zoom(settings):
    point = [{"lat": 37.5, "lon": 127.0, "name": "a"}]
    # Without tiles, a little wider than a street, so the base map names the neighbourhoods.
    assert attributes(render('{% map "m" "M" points=p %}', p=point), "m")["zoom"] == "15"
    settings.SHAREHUB_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    assert attributes(render('{% map "m" "M" points=p %}', p=point), "m")["zoom"] == "16"
    assert attributes(render('{% map "m" "M" points=p zoom=12 %}', p=point), "m")["zoom"] == "12"
    assert attributes(render('{% map "m" "M" %}'), "m")["zoom"] == "11"


def test_my_location_button_is_translated_and_can_be_left_out():
    with translation.override("ko"):
        attrs = attributes(render('{% map "m" "M" %}'), "m")
    assert attrs["locate-label"] == "내 위치 보기"
    assert attrs["locate-denied"] and attrs["locate-failed"] and attrs["locate-found"]
    assert "locate-label" not in attributes(render('{% map "m" "M" locate=False %}'), "m")
    # Its messages are read out from the status line next to the map.
    assert '<p class="map-status" id="m-status" role="status"></p>' in render('{% map "m" "M" %}')


def test_a_picker_names_its_inputs_and_brings_its_buttons():
    html = render('{% map "m" "M" pick_lat="id_latitude" pick_lon="id_longitude" %}')
    attrs = attributes(html, "m")
    assert (attrs["pick-lat"], attrs["pick-lon"]) == ("id_latitude", "id_longitude")
    assert 'aria-describedby="m-help"' in html and 'id="m-help"' in html
    # The buttons need the script: hidden until it runs.
    assert '<div class="map-actions" data-map-actions="m" hidden>' in html
    assert "data-pick-centre" in html and "data-pick-clear" in html
    one = attributes(render('{% map "m" "M" pick_point="id_near" %}'), "m")
    assert one["pick-point"] == "id_near"
    assert "pick-lat" not in attributes(render('{% map "m" "M" %}'), "m")


# --- the pages with a map -------------------------------------------------------------------


def test_listing_map_is_close_up_on_its_district_and_says_which_address_has_no_place(client):
    located = AddressFactory(
        address="서울 마포구 월드컵로 1",
        latitude=37.55,
        longitude=126.91,
        district=DistrictFactory(slug="mapo-gu"),
    )
    AddressFactory(listing=located.listing, address="서울 어딘가", latitude=None, longitude=None)
    html = client.get(f"/ko/directory/{located.listing.organization.slug}/").content.decode()
    attrs = attributes(html, "listing-map")
    assert attrs["focus"] == "mapo-gu" and attrs["zoom"] == "15"
    assert json.loads(attrs["points"]) == [
        {"lat": 37.55, "lon": 126.91, "name": "서울 마포구 월드컵로 1"}
    ]
    assert html.count("지도에 위치가 없습니다") == 1


def test_event_map_follows_the_registration_box(client):
    event = EventFactory(latitude=37.5663, longitude=126.9779)
    html = client.get(f"/en/events/{event.pk}/").content.decode()
    # On a phone the columns stack: the registration comes before the map.
    assert html.index('id="register-heading"') < html.index('id="event-map"')
    assert attributes(html, "event-map")["zoom"] == "15"
    unplaced = EventFactory(latitude=None, longitude=None)
    html = client.get(f"/en/events/{unplaced.pk}/").content.decode()
    assert "event-map" not in html and "No place on the map" in html


def test_address_forms_pick_the_place_on_a_map(client):
    listing = ListingFactory()
    member = UserFactory()
    MembershipFactory(organization=listing.organization, user=member, role=MemberRole.OWNER)
    AddressFactory(listing=listing, address="좌표 없는 주소", latitude=None, longitude=None)
    client.force_login(member)
    html = client.get(f"/ko/directory/{listing.organization.slug}/manage/").content.decode()
    assert "vendor/leaflet/leaflet.js" in html
    attrs = attributes(html, "id_longitude-map")
    assert (attrs["pick-lat"], attrs["pick-lon"]) == ("id_latitude", "id_longitude")
    # The fields stay: the form works without the map (and without JavaScript).
    assert 'name="latitude"' in html and 'name="longitude"' in html
    assert "지도에 위치가 없습니다" in html
    address = listing.addresses.get()
    edit = client.get(f"/ko/directory/{listing.organization.slug}/addresses/{address.pk}/")
    assert "id_longitude-map" in edit.content.decode()
    # A point picked on the map is saved as typed coordinates would be.
    response = client.post(
        f"/ko/directory/{listing.organization.slug}/addresses/add/",
        {"address": "서울 중구 세종대로 110", "latitude": "37.566295", "longitude": "126.977945"},
    )
    assert response.status_code == 302
    assert listing.addresses.filter(latitude=37.566295, longitude=126.977945).exists()


def test_event_form_picks_the_venue_on_a_map(client):
    organizer = UserFactory()
    event = EventFactory(organization=OrganizationFactory())
    MembershipFactory(organization=event.organization, user=organizer, role=MemberRole.EDITOR)
    client.force_login(organizer)
    html = client.get(f"/en/events/{event.pk}/edit/").content.decode()
    assert "core/js/map.js" in html
    attrs = attributes(html, "id_longitude-map")
    assert (attrs["pick-lat"], attrs["pick-lon"]) == ("id_latitude", "id_longitude")
