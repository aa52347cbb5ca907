"""The database out of reach (a restart, a failover, a lost connection) is answered "try again"
(503 with Retry-After), never a 500: on a page, in the API, and when the connection drops while
an API response is being serialized. A real bug is still a 500. The real restart is
test_faults_database.py (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import OperationalError, ProgrammingError
from django.test import Client

from sharehub.events import selectors
from sharehub.events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def _fail(error: Exception):
    def raise_it(*args, **kwargs):
        raise error

    return raise_it


@pytest.fixture
def browser() -> Client:
    return Client(raise_request_exception=False)


def test_a_page_asks_to_try_again(browser, monkeypatch):
    monkeypatch.setattr(
        selectors, "browse_events", _fail(OperationalError("server closed the connection"))
    )
    response = browser.get("/ko/events/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert '<html lang="ko">' in page
    assert "잠시 후 다시 시도해 주세요" in page
    english = browser.get("/en/events/")
    assert "Please try again in a moment." in english.content.decode()


@pytest.mark.parametrize(
    "error",
    [
        ProgrammingError('column "x" does not exist'),
        # SQLite's way of saying the same: an OperationalError, still a bug.
        OperationalError("no such table: events_event"),
        OperationalError('near "FORM": syntax error'),
    ],
)
def test_a_bug_is_still_a_500(browser, monkeypatch, error):
    monkeypatch.setattr(selectors, "browse_events", _fail(error))
    assert browser.get("/ko/events/").status_code == 500
    monkeypatch.setattr(selectors, "browse_events", _fail(OperationalError("database is locked")))
    assert browser.get("/ko/events/").status_code == 503


def test_the_api_asks_to_try_again_in_json(browser, monkeypatch, user):
    event = EventFactory()
    monkeypatch.setattr(
        selectors, "get_event_for", _fail(OperationalError("the database system is shutting down"))
    )
    browser.force_login(user)
    response = browser.get(f"/api/v1/events/{event.pk}", headers={"accept-language": "en"})
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json() == {
        "detail": "The service is briefly unavailable. Please try again in a moment.",
        "errors": {},
    }


def test_a_connection_lost_while_serializing_is_a_503(browser, monkeypatch):
    """ninja reads the response's attributes after the view returned; a lazy relation read then
    raises inside pydantic, which reports it as a ValidationError naming the error."""
    event = EventFactory()
    real = selectors.get_event_for

    class Vanishing:
        def __init__(self, event) -> None:
            self._event = event

        def __getattr__(self, name: str):
            if name in ("title", "organization"):
                raise OperationalError("consuming input failed: server closed the connection")
            return getattr(self._event, name)

    monkeypatch.setattr(
        selectors, "get_event_for", lambda *args, **kwargs: Vanishing(real(*args, **kwargs))
    )
    response = browser.get(f"/api/v1/events/{event.pk}")
    assert response.status_code == 503
    assert response.json()["errors"] == {}
