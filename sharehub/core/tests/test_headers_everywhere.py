"""Security headers on every page (issue 19): read from the URL resolver, and on real pages.

Two walks:
- every route of the resolver (`routes.routes()`, arguments sampled, so most answer 404 or a
  redirect), as a visitor and as a signed-in citizen: never a 500, and whatever the answer (a
  page, an error, a redirect, a file, JSON), it carries nosniff, the referrer policy, the opener
  policy and the frame refusal; an HTML answer has the strict CSP; a signed-in person's answer is
  `private, no-store` unless the route is one of the few `PUBLIC_FOR_EVERYONE` files;
- every main page with real objects (the demo-like hub of `test_html_valid`, each page as the
  person who may see it), over HTTPS with HSTS on: a 200 with the headers above, HSTS, a CSP whose
  nonce is on every inline script and style, no inline style or event handler, and
  `private, no-store` for the signed-in person and for the pages that show a visitor personal
  data through a secret in the address.
"""

from __future__ import annotations

import re

import pytest
from django.http import HttpResponse
from django.test import Client

from .routes import routes
from .test_html_valid import _hub, _pages

# Files that are the same for everyone, signed in or not, whose views chose a public cache
# policy: right for them, and for nothing else a signed-in person is shown.
PUBLIC_FOR_EVERYONE = {
    "favicon",
    "robots",
    "security_txt",
    # Geography, catalogues, public registers and feeds: built from public selectors only.
    "api:districts_geojson",
    "api:neighbourhoods_geojson",
    "places:geojson",
    "places:neighbourhoods_geojson",
    "catalog:jsonld",
    "catalog:ttl",
    "designation:register_csv",
    "events:feed",
    "events:city_feed",
    "news:rss",
    "news:atom",
    "programmes:feed",
    "programmes:awards_csv",
    "programmes:awards_json",
}
# Pages a visitor reaches through a secret in the address, showing that person's data.
SECRET_ADDRESS_PAGES = {"newsletter-confirm", "newsletter-preferences"}


def _is_html(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def _check_common(response: HttpResponse, where: str) -> None:
    assert response.status_code < 500, (where, response.status_code)
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    assert response.get("X-Frame-Options") == "DENY", where
    if _is_html(response):
        _check_csp(response, where)


def _check_csp(response: HttpResponse, where: str) -> dict[str, list[str]]:
    policy = {
        name: values
        for name, *values in (
            part.split() for part in response["Content-Security-Policy"].split(";") if part.strip()
        )
    }
    assert policy["default-src"] == ["'self'"], where
    assert policy["frame-ancestors"] == ["'none'"], where
    assert policy["object-src"] == ["'none'"], where
    for directive in ("script-src", "style-src"):
        # Only the hub's own files and this response's nonce (sent when the page used it):
        # no 'unsafe-inline', 'unsafe-eval', hash, wildcard or data: source.
        values = policy[directive]
        assert values[0] == "'self'", (where, directive, values)
        assert all(v.startswith("'nonce-") for v in values[1:]), (where, directive, values)
        assert len(values) <= 2, (where, directive, values)
    return policy


def _check_private(response: HttpResponse, where: str) -> None:
    cache = response.get("Cache-Control", "")
    assert "private" in cache and "no-store" in cache, (where, cache)


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_every_route_answers_with_the_security_headers(signed_in, user):
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(user)
    checked, problems = 0, []
    for route in routes():
        if route.is_admin and route.name != "admin:index":
            continue  # the admin's pages answer alike (a redirect to its sign-in): one stands for all
        response = client.get(route.path)
        where = f"{route.label} {route.path}"
        try:
            _check_common(response, where)
            if signed_in and route.name not in PUBLIC_FOR_EVERYONE:
                _check_private(response, where)
        except (AssertionError, KeyError) as problem:
            problems.append(
                f"{where}: {problem!r} {response.status_code} {response.get('Cache-Control')}"
            )
        checked += 1
    assert not problems, "\n".join(problems)
    assert checked > 400


# A script element that is data, never run: JSON for the page's scripts, JSON-LD for search engines.
DATA_BLOCK = re.compile(r'type="application/(?:ld\+)?json"')
_NONCE = re.compile(r"'nonce-([^']+)'")


@pytest.mark.django_db
def test_main_pages_with_real_objects_send_every_header(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = False
    hub = _hub()
    client = Client()  # built after the settings, so its SecurityMiddleware reads them
    seen, problems = 0, []
    for lang in ("ko",):  # the headers do not depend on the language (test_html_valid renders both)
        for label, path, who in _pages(hub, lang):
            client.logout()
            if who is not None:
                client.force_login(hub[who])
            response = client.get(path, secure=True)
            where = f"{lang} {label} {path}"
            try:
                _check_page(response, where, label, who)
            except (AssertionError, KeyError, TypeError) as problem:
                problems.append(f"{where}: {problem!r}")
            seen += 1
    assert not problems, "\n".join(problems)
    assert seen > 100


def _check_page(response: HttpResponse, where: str, label: str, who: str | None) -> None:
    assert response.status_code == (404 if label == "not-found" else 200), where
    _check_common(response, where)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains", where
    if who is not None or label in SECRET_ADDRESS_PAGES:
        _check_private(response, where)
    nonce = _NONCE.search(response["Content-Security-Policy"])
    html = response.content.decode()
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", html):
        if "src=" not in tag and not DATA_BLOCK.search(tag):
            assert nonce and f'nonce="{nonce[1]}"' in tag, (where, tag)
    assert re.search(r"<[^>]+\sstyle=", html) is None, (where, "inline style")
    assert re.search(r"<[^>]+\son[a-z]+=", html) is None, (where, "inline handler")


@pytest.mark.django_db
def test_hsts_is_not_sent_over_plain_http(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = False
    response = Client().get("/ko/")
    assert "Strict-Transport-Security" not in response
