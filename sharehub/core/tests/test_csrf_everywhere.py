"""CSRF on every form, read from the URL resolver and the OpenAPI document (issue 19).

Every route whose view may take a POST (`routes.accepts_post`: its decorator or class admits POST,
or its body reads the method) is posted to without a CSRF token from an anonymous browser and from
a signed-in one, with Django's client enforcing CSRF checks: each must be refused with 403 by
Django's CSRF middleware itself (its warning on `django.security.csrf` names the reason), before
the view runs. The list is generated, so a new form is covered the day it is added; the only
routes that may take a token-less POST are in `EXEMPT`, each with its reason.

The API (django-ninja) is exempt from Django's middleware and checks CSRF itself for a browser
session (`accounts.auth.BrowserSessionAuth`; tokens are not cookies, so a token call needs none):
every write operation of the OpenAPI document, posted from a signed-in session without the
token, is refused with a JSON 403 and changes nothing.
"""

from __future__ import annotations

import logging
import re

import pytest
from django.db import connection
from django.test import Client

from .dbwrites import database_writes
from .routes import Route, accepts_post, routes

# Routes that accept a POST without a CSRF token, and why that is safe.
EXEMPT = {
    # RFC 8058 one-click unsubscribe: mail clients POST with no cookie; the secret is the signed
    # token in the address, and unsubscribing is the only effect (newsletters.views.public).
    "newsletters:unsubscribe": "RFC 8058 one-click: the signed token is the credential",
    # CKAN's Action API answers read actions only and trusts no session (opendata.views.ckan).
    "catalog:ckan": "CKAN read actions, no session trusted",
    "catalog:ckan_legacy": "CKAN read actions, no session trusted",
    "/api/3/action/x/": "CKAN read actions, no session trusted",
    "/api/3/action": "CKAN read actions, no session trusted",
}
# API operations that trust no session, so a token-less POST from a signed-in browser changes
# nothing of that browser's account: a public write reached without any credential.
API_EXEMPT = {
    ("POST", "/api/v1/newsletters/subscribe"): "anyone may ask; the address confirms by mail",
    ("POST", "/api/v1/newsletters/confirm"): "the signed token from the mail is the credential",
    ("POST", "/api/v1/newsletters/unsubscribe"): "the signed token from the mail is the credential",
    ("POST", "/api/v1/newsletters/bounces"): "the mail server's webhook, its own shared secret",
}
WRITE_METHODS = ("post", "put", "patch", "delete")


def _forms() -> list[Route]:
    return [
        route
        for route in routes()
        if not route.is_api and route.label not in EXEMPT and accepts_post(route.callback)
    ]


FORMS = _forms()


def test_the_generated_list_sees_the_hubs_forms():
    """The enumeration is not empty by accident: forms of every kind are in it."""
    names = {route.name for route in FORMS}
    for expected in (
        "events:register",
        "accounts:profile",
        "organizations:create",
        "account_login",
        "set_language",
        "admin:login",
        "facilities:book",
        "core:editor_image",
    ):
        assert expected in names
    assert len(FORMS) > 200
    assert all(name in {r.label for r in routes()} for name in EXEMPT), "a stale exemption"


def _post_without_token(client: Client, path: str, caplog) -> None:
    caplog.clear()
    response = client.post(path, {"name": "x", "title": "x"})
    assert response.status_code == 403, (path, response.status_code)
    reasons = [r.getMessage() for r in caplog.records if r.name == "django.security.csrf"]
    assert reasons and reasons[-1].startswith("Forbidden (CSRF"), (path, reasons)


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_every_form_refuses_a_post_without_a_csrf_token(signed_in, user, caplog):
    caplog.set_level(logging.WARNING, logger="django.security.csrf")
    client = Client(enforce_csrf_checks=True)
    if signed_in:
        client.force_login(user)
    else:
        client.get("/ko/")  # a session and CSRF cookie, as a visitor's browser has
    for route in FORMS:
        _post_without_token(client, route.path, caplog)


@pytest.mark.django_db
def test_a_post_with_the_token_passes_the_middleware(user, caplog):
    """The refusal above is the missing token's, not the route's: with the token, the same client
    reaches the view."""
    caplog.set_level(logging.WARNING, logger="django.security.csrf")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/ko/me/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/ko/me/", {"display_name": "새 이름", "preferred_language": "ko"}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code in (200, 302)
    assert not [r for r in caplog.records if r.name == "django.security.csrf"]


@pytest.mark.django_db
def test_exempt_routes_are_the_listed_ones_only():
    """A view marked csrf_exempt that is not in EXEMPT fails here: an exemption is a decision."""
    exempt = {
        route.label
        for route in routes()
        if not route.is_api and getattr(route.callback, "csrf_exempt", False)
    }
    assert exempt == set(EXEMPT)


def _api_writes() -> list[tuple[str, str]]:
    from sharehub.api import api

    document = api.get_openapi_schema()
    writes = []
    for template, operations in document["paths"].items():
        path = re.sub(r"\{[^}]+\}", "1", template)
        for method in operations:
            if method in WRITE_METHODS:
                writes.append((method.upper(), path))
    return writes


@pytest.mark.django_db
def test_every_api_write_refuses_a_signed_in_session_without_the_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    writes = _api_writes()
    assert len(writes) > 50
    for method, path in writes:
        if (method, path) in API_EXEMPT:
            continue
        with database_writes() as written:
            response = client.generic(method, path, "{}", content_type="application/json")
        assert response.status_code == 403, (method, path, response.status_code)
        assert response["Content-Type"].startswith("application/json"), (method, path)
        assert "detail" in response.json()
        assert written == [], (method, path, written)
    assert set(API_EXEMPT) <= set(writes), "a stale API exemption"
    assert connection.vendor  # the loop ran against this test's database
