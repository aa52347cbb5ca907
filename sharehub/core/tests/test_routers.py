"""The read-replica router (sharehub.core.routers): which reads may go to a replica, and that
everything else (writes, reads in a transaction, after a write, for a kept page, signed-in
people's) stays on the primary."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import resolve

from sharehub.core import pagecache, routers
from sharehub.events.models import Event

router = routers.ReplicaRouter()
LISTED = "/api/v1/events"


@pytest.fixture(autouse=True)
def one_replica(monkeypatch, settings):
    monkeypatch.setattr(routers, "replicas", lambda: ["replica1"])
    settings.REPLICA_READ_VIEWS = ["api:list_events", "news:rss"]


def _through(request: HttpRequest, view: Callable[[HttpRequest], HttpResponse]) -> HttpResponse:
    """The request through ReplicaReadsMiddleware, as Django runs it (URL resolved first)."""
    request.resolver_match = resolve(request.path_info)
    middleware = routers.ReplicaReadsMiddleware(view)

    def respond(request: HttpRequest) -> HttpResponse:
        middleware.process_view(request, view, (), {})
        return view(request)

    middleware.get_response = respond
    return middleware(request)


def _read_from(request: HttpRequest, during: Callable[[], None] = lambda: None) -> str:
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        during()
        seen.append(router.db_for_read(Event))
        return HttpResponse("ok")

    _through(request, view)
    return seen[0]


def test_an_anonymous_read_of_a_listed_view_goes_to_the_replica():
    assert _read_from(RequestFactory().get(LISTED)) == "replica1"
    assert _read_from(RequestFactory().head(LISTED)) == "replica1"
    # The choice lasts for the request only.
    assert router.db_for_read(Event) == "default"


def test_other_views_and_methods_read_the_primary():
    factory = RequestFactory()
    assert _read_from(factory.get("/api/v1/organizations")) == "default"
    assert _read_from(factory.post(LISTED)) == "default"
    assert router.db_for_read(Event) == "default"


def test_signed_in_people_and_token_holders_read_the_primary(settings):
    factory = RequestFactory()
    session = factory.get(LISTED)
    session.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    assert _read_from(session) == "default"
    assert _read_from(factory.get(LISTED, HTTP_AUTHORIZATION="Bearer x")) == "default"


def test_reads_inside_a_transaction_stay_on_the_primary(django_db_setup, django_db_blocker):
    # A real transaction that writes nothing: no test database flush needed afterwards.
    def in_a_transaction() -> str:
        with django_db_blocker.unblock(), transaction.atomic():
            return router.db_for_read(Event)

    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(in_a_transaction())
        seen.append(router.db_for_read(Event))
        return HttpResponse("ok")

    _through(RequestFactory().get(LISTED), view)
    assert seen == ["default", "replica1"]


def test_after_a_write_the_request_reads_the_primary():
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(router.db_for_read(Event))
        assert router.db_for_write(Event) == "default"
        seen.append(router.db_for_read(Event))
        return HttpResponse("ok")

    _through(RequestFactory().get(LISTED), view)
    assert seen == ["replica1", "default"]


def test_a_connection_with_uncommitted_writes_reads_the_primary(monkeypatch):
    monkeypatch.setattr(connection, "pagecache_pending", {"events_event"}, raising=False)
    assert _read_from(RequestFactory().get(LISTED)) == "default"


def test_a_kept_page_being_built_reads_the_primary():
    """A kept page is stored under the primary's versions: built from a replica behind them it
    would be served as fresh with old data. The page cache's own marker, not a mock."""
    state = pagecache._Miss(key="k", versions={}, expires=0.0)

    def building() -> None:
        state.token = pagecache._building.set(state)

    try:
        assert _read_from(RequestFactory().get(LISTED), during=building) == "default"
    finally:
        if state.token is not None:
            pagecache._building.reset(state.token)


def test_a_kept_fragment_being_built_reads_the_primary():
    """A request that may keep fragments (core.pagecache's reads recorder) reads the primary."""
    reads = pagecache._Reads(versions={}, expires=0.0)
    tokens = []

    def recording() -> None:
        tokens.append(pagecache._reading.set(reads))

    try:
        assert _read_from(RequestFactory().get(LISTED), during=recording) == "default"
    finally:
        for token in tokens:
            pagecache._reading.reset(token)


def test_a_streamed_export_reads_the_replica_while_it_is_sent():
    def rows():
        yield router.db_for_read(Event)
        yield router.db_for_read(Event)

    response = _through(RequestFactory().get(LISTED), lambda request: StreamingHttpResponse(rows()))
    assert router.db_for_read(Event) == "default"
    assert list(response.streaming_content) == [b"replica1", b"replica1"]
    assert router.db_for_read(Event) == "default"


def test_writes_and_migrations_are_the_primary_s():
    assert router.db_for_write(Event) == "default"
    assert router.allow_migrate("default", "events")
    assert not router.allow_migrate("replica1", "events")
    assert router.allow_relation(Event(), Event())


def test_without_replicas_nothing_is_routed(monkeypatch):
    monkeypatch.setattr(routers, "replicas", list)
    assert _read_from(RequestFactory().get(LISTED)) == "default"
