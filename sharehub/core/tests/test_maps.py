"""The one map (core/partials/map.html, core/js/map.js) as pages render it."""

from __future__ import annotations

import json

import pytest
from django.template import Context, Template
from django.templatetags.static import static

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
