"""The district pages: the list with its map, and one district with its organizations."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sharehub.accounts.tests.factories import UserFactory
from sharehub.places.tests.factories import DistrictFactory
from sharehub.portal.tests.helpers import assert_no_inline_code, make_organization

pytestmark = pytest.mark.django_db


def map_attributes(html: str) -> dict[str, str]:
    tag = re.search(r"<div[^>]*data-map\b[^>]*>", html, re.S).group(0)
    # Bare attributes (data-labels) read as "".
    return dict(re.findall(r'\sdata-([a-z-]+)(?:="([^"]*)")?', tag))


# --- the list and map page --------------------------------------------------------------


@pytest.mark.parametrize(("lang", "heading"), [("ko", "자치구"), ("en", "Districts")])
def test_list_page_has_the_map_and_the_list(client, lang, heading):
    jongno = DistrictFactory(code="11110", slug="jongno-gu", name_ko="종로구", name_en="Jongno-gu")
    DistrictFactory(code="11140", slug="jung-gu", name_ko="중구", name_en="Jung-gu")

    response = client.get(f"/{lang}/districts/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    attrs = map_attributes(html)
    # The districts are what the map shows (data-labels), none of them singled out.
    assert attrs["boundary-url"] == f"/{lang}/districts/districts.geojson"
    assert attrs["center"] == "37.5665,126.978" and attrs["zoom"] == "11"
    assert attrs["tile-url"] == "" and "focus" not in attrs and "labels" in attrs
    assert 'role="region"' in html and "<table" in html
    name = jongno.name_ko if lang == "ko" else jongno.name_en
    assert f'<a href="/{lang}/districts/jongno-gu/">{name}</a>' in html
    assert "11110" in html
    assert "vendor/leaflet/leaflet.js" in html and "core/js/map.js" in html
    assert_no_inline_code(html)


def test_list_is_sorted_by_the_name_in_the_page_language(client):
    DistrictFactory(name_ko="가구", name_en="Zeta-gu")
    DistrictFactory(name_ko="하구", name_en="Alpha-gu")
    ko = client.get("/ko/districts/").content.decode()
    en = client.get("/en/districts/").content.decode()
    assert ko.index("가구") < ko.index("하구")
    assert en.index("Alpha-gu") < en.index("Zeta-gu")


def test_list_counts_only_published_organizations(client):
    busy, quiet = DistrictFactory(name_en="Busy-gu"), DistrictFactory(name_en="Quiet-gu")
    for _ in range(3):
        make_organization(busy)
    for status in ("pending", "rejected", "hidden"):
        make_organization(busy, status=status)
        make_organization(quiet, status=status)
    make_organization(None)

    html = client.get("/en/districts/").content.decode()

    rows = dict(
        re.findall(
            r">([A-Za-z]+-gu)</a></th>\s*<td>\d+</td>\s*<td class=\"number\">(\d+)</td>", html
        )
    )
    assert rows == {"Busy-gu": "3", "Quiet-gu": "0"}


def test_tile_layer_only_when_the_city_sets_one(client, settings, district):
    settings.SHAREHUB_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.SHAREHUB_TILE_ATTRIBUTION = "© Example & co"
    attrs = map_attributes(client.get("/en/districts/").content.decode())
    assert attrs["tile-url"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert attrs["tile-attribution"] == "© Example &amp; co"


def test_list_without_districts_says_so(client):
    html = client.get("/en/districts/").content.decode()
    assert "No districts have been loaded yet." in html
    assert "data-map" not in html


def test_names_are_shown_as_text(client):
    DistrictFactory(name_ko="<script>alert(1)</script>구", name_en="<b>Bold</b>-gu 😀 한글")
    html = client.get("/en/districts/").content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt;-gu 😀 한글" in html and "<b>Bold</b>" not in html
    html = client.get("/ko/districts/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;구" in html
    assert_no_inline_code(html)


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.usefixtures("no_page_cache")
def test_list_page_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        make_organization(DistrictFactory())
    with django_assert_max_num_queries(1):
        response = client.get("/ko/districts/")
    assert response.content.decode().count("<tr>") == rows + 1


# --- one district -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_district_page_shows_both_names_the_code_the_map_and_the_organizations(client, lang):
    district = DistrictFactory(
        code="11110",
        slug="jongno-gu",
        name_ko="종로구",
        name_en="Jongno-gu",
        latitude="37.5949",
        longitude="126.9773",
    )
    published = make_organization(district, name="열린옷장 Open Closet")
    hidden = make_organization(district, status="hidden", name="숨김 Hidden")
    elsewhere = make_organization(DistrictFactory(), name="다른곳 Elsewhere")

    response = client.get(f"/{lang}/districts/jongno-gu/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<dd lang="ko">종로구</dd>' in html and '<dd lang="en">Jongno-gu</dd>' in html
    assert "<dd>11110</dd>" in html
    attrs = map_attributes(html)
    assert attrs["focus"] == "jongno-gu" and "labels" in attrs
    assert attrs["center"] == "37.5949,126.9773" and attrs["zoom"] == "13"
    assert attrs["boundary-url"] == f"/{lang}/districts/districts.geojson"
    assert 'class="map map-small"' in html
    assert f'href="{reverse("organizations:detail", kwargs={"slug": published.slug})}"' in html
    assert "열린옷장 Open Closet" in html
    assert hidden.name_ko not in html and elsewhere.name_ko not in html
    assert_no_inline_code(html)


def test_district_page_never_shows_how_many_residents_it_has(client, district):
    def page() -> str:
        html = client.get(f"/en/districts/{district.slug}/").content.decode()
        # The CSRF token is masked differently on every response; everything else must match.
        return re.sub(r'"X-CSRFToken": "[^"]*"', "", html)

    before = page()
    for _ in range(7):
        UserFactory(home_district=district)
    assert page() == before


def test_district_page_paginates_the_organizations(client, district):
    for _ in range(25):
        make_organization(district)
    first = client.get(f"/en/districts/{district.slug}/").content.decode()
    second = client.get(f"/en/districts/{district.slug}/?page=2").content.decode()
    assert first.count('class="card"') == 20 and second.count('class="card"') == 5
    assert "<dd>25</dd>" in first
    assert 'rel="next"' in first and 'rel="prev"' in second


@pytest.mark.django_db(transaction=True)  # committed, as a live hub's: the count is kept
def test_district_page_counts_its_organizations_as_the_list_keeps_them(client, settings):
    """The organizations' total is the organization list's kept count for the district (the
    same rows): not counted again on every page, and a newly published one counted at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 0  # the page built every time: the count alone is kept
    district = DistrictFactory()
    for _ in range(21):
        make_organization(district)
    make_organization(district, status="pending")
    url = f"/en/districts/{district.slug}/"
    assert "<dd>21</dd>" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "<dd>21</dd>" in page and 'rel="next"' in page
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    make_organization(district)
    page = client.get(url).content.decode()
    assert "<dd>22</dd>" in page
    assert client.get(f"/en/organizations/?district={district.slug}").status_code == 200


def test_district_page_without_organizations(client, district):
    html = client.get(f"/en/districts/{district.slug}/").content.decode()
    assert "No published organization in this district yet." in html


def test_unknown_district_is_404(client):
    assert client.get("/en/districts/atlantis-gu/").status_code == 404


@pytest.mark.parametrize("rows", [3, 30])
def test_district_page_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, district, rows
):
    for _ in range(rows):
        make_organization(district)
    # 3 for the district and its organizations, 3 for the directory's listings (count, page, categories).
    with django_assert_max_num_queries(6):
        response = client.get(f"/ko/districts/{district.slug}/")
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_pages_are_read_only(client, district, method):
    for url in (
        "/en/districts/",
        f"/en/districts/{district.slug}/",
        "/en/districts/districts.geojson",
    ):
        assert getattr(client, method)(url).status_code == 405
