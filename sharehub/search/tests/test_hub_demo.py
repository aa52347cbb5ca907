"""The hub's search on the demo hub: results grouped by kind, a district told back, typeahead,
snippets in the reader's language, and the same through /api/v1/search."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import translation

from sharehub.directory.models import Listing
from sharehub.search.selectors import search

pytestmark = pytest.mark.django_db


def test_results_are_grouped_by_kind_with_a_link_to_each(client, demo_hub, db):
    response = client.get("/ko/search/", {"q": "아이 옷"})
    page = response.content.decode()
    assert response.status_code == 200
    headings = re.findall(r'<h2 id="kind-(\w+)"', page)
    assert headings[0] == "services" and set(headings) <= {"services", "events", "news"}
    assert "kind=services" in page and "<mark>" in page
    # One kind, paged.
    many = client.get("/ko/search/", {"q": "공유", "kind": "services"}).content.decode()
    assert 'id="kind-services"' in many and 'id="kind-news"' not in many
    assert 'rel="next"' in many  # more than 20 services share


def test_a_district_is_told_back_with_a_way_out(client, demo_hub, db):
    page = client.get("/ko/search/", {"q": "강남구 공유"}).content.decode()
    assert "강남구" in page and "?q=%EA%B3%B5%EC%9C%A0" in page  # "공유" in every district


def test_header_suggestions_are_links_and_escape(client, demo_hub, db):
    response = client.get("/ko/search/suggestions/", {"q": "주차"})
    body = response.content.decode()
    assert response.status_code == 200 and 'role="listbox"' in body
    assert "모두컴퍼니" in body and 'data-href="/ko/directory/' in body
    assert "?q=%EC%A3%BC%EC%B0%A8" in body  # the last option searches
    assert client.get("/ko/search/suggestions/", {"q": ""}).content.decode().strip() == ""
    escaped = client.get("/ko/search/suggestions/", {"q": "<b>주차"}).content.decode()
    assert "<b>주차" not in escaped and "&lt;b&gt;주차" in escaped


def test_snippets_are_in_the_readers_language(demo_hub, db):
    hangul = re.compile(r"[\uac00-\ud7a3]")
    with translation.override("ko"):
        [hit, *_] = search("자전거", model=Listing)
        assert "<mark>자전거</mark>" in hit.snippet and "bicycle" not in hit.snippet
        assert "S-<mark>bike</mark>(" in hit.snippet  # a Latin word is marked, not its particle
    with translation.override("en"):
        [hit, *_] = search("자전거", model=Listing)
        assert "<mark>bike</mark>" in hit.snippet and not hangul.search(hit.snippet)
        assert hit.display_title == "MassAsia (S-bike)"


def test_api_search_groups_by_kind(client, demo_hub, db):
    body = _json(client.get("/api/v1/search", {"q": "강남구 주차"}))
    assert body["districts"] == ["gangnam-gu"]
    services = body["kinds"][0]
    assert services["kind"] == "services"
    assert {r["title"] for r in services["results"][:3]} == {"모두컴퍼니", "한컴모빌리티", "이노온"}
    assert services["results"][0]["url"].startswith("/ko/directory/")
    english = _json(
        client.get(
            "/api/v1/search",
            {"q": "주차", "kind": "services", "page": 1},
            headers={"accept-language": "en"},
        )
    )
    assert english["kinds"][0]["results"][0]["title"] == "Modu Company (Modu's Parking)"


def _json(response):
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)
