"""Calendar feeds (RFC 5545): one event, all public events, one organizer's, and a person's private feed."""

from __future__ import annotations

import zlib

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sharehub.core.calendar_feed import entries_for
from sharehub.events import selectors
from sharehub.events.calendars import build_calendar, feed_events
from sharehub.events.models import CalendarFeed, EventStatus

FEED_CACHE_SECONDS = 600


def _ics(body: bytes, filename: str, *, private: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=600"
    return response


@require_safe
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk)
    if event.status == EventStatus.DRAFT:
        raise Http404
    registration = selectors.registration_of(request.user, event)
    show_online = {event.pk} if registration is not None and registration.holds_seat else set()
    return _ics(
        build_calendar([event], name=event.title, show_online_for=show_online),
        f"event-{event.pk}.ics",
        private=bool(show_online),
    )


def _cached_calendar(key: str, feed: selectors.Feed, *, name: str) -> bytes:
    """Calendar apps poll public feeds often and building thousands of entries takes seconds, so the
    text is kept in the shared cache under the feed's fingerprint: any edit, new or dropped event
    changes the key, and the timeout bounds what the fingerprint cannot see (a renamed district)."""
    cache_key = f"events:feedz:{key}:{get_language()}:{feed.fingerprint()}"
    kept = cache.get(cache_key)
    if kept is not None:
        return zlib.decompress(kept)
    body = build_calendar(feed_events(feed.events), name=name)
    # Kept compressed: a feed's entries repeat their property names, so 5,000 of them (2.2 MB)
    # are about 115 kB, written to and read from the cache (a table on the embedded install) in
    # a fraction of the time the whole text took, for 4 ms of zlib.
    cache.set(cache_key, zlib.compress(body, 1), FEED_CACHE_SECONDS)
    return body


@require_safe
def public_feed(request: HttpRequest) -> HttpResponse:
    return _ics(_cached_calendar("all", selectors.public_feed(), name=_("Events")), "events.ics")


@require_safe
def city_feed(request: HttpRequest) -> HttpResponse:
    return _ics(
        _cached_calendar("city", selectors.organizer_feed(None), name=_("The city's events")),
        "events-city.ics",
    )


@require_safe
def organizer_feed(request: HttpRequest, slug: str) -> HttpResponse:
    # A pending, rejected or hidden organization has no public feed: not even its name is shown.
    organization = selectors.published_organization(slug)
    if organization is None:
        raise Http404
    body = _cached_calendar(
        f"org{organization.pk}", selectors.organizer_feed(organization), name=organization.name
    )
    return _ics(body, f"events-{organization.slug}.ics")


@require_safe
def private_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """Behind the secret alone (calendar apps send no cookie); an old secret is a 404. Never
    cached: it holds the person's own entries, with other apps' (their bookings of spaces)."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(secret=secret, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404
    events, confirmed = selectors.personal_feed(feed.user)
    return _ics(
        build_calendar(
            events, name=_("My events"), show_online_for=confirmed, others=entries_for(feed.user)
        ),
        "my-events.ics",
        private=True,
    )
