"""The public pages: the list, the calendar, the map (and its GeoJSON), one event, its materials."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.conf import settings
from django.core.paginator import Page
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from sharehub.core import pagecache
from sharehub.core.api_errors import error_detail
from sharehub.core.filters import page_filters
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.core.uploads import private_file_response
from sharehub.events import selectors
from sharehub.events.forms import EventFilterForm, RegistrationForm, asked
from sharehub.events.models import Event, EventMaterial, Registration, RegistrationStatus
from sharehub.events.permissions import can_manage_event, can_see_materials, materials_public


def _filters(request: HttpRequest) -> tuple[EventFilterForm, dict[str, Any]]:
    """The bound filter form and the valid filters (a bad one is shown and left out)."""
    form = page_filters(EventFilterForm, request.GET)
    return form, (form.applied() if form.is_bound else {})


def _filter_context(request: HttpRequest, form: EventFilterForm, filters: dict) -> dict:
    return {
        "filter_form": form,
        "organizer": filters.get("organizer"),
        "query": querystring_without_page(request),
    }


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)

    # Read only where the results are shown, inside a kept fragment (pagecache.when_shown).
    def results() -> Page:
        browse = selectors.browse_events(**filters)
        page = paginate(request, selectors.cards(browse.queryset))
        events = list(page.object_list)
        now = timezone.now()
        for event in events:
            event.highlight = browse.highlights.get(event.pk, "")
            # A card says "registration opens …", "places left", "ended": kept no longer.
            pagecache.valid_until(event.next_state_change(now))
        page.object_list = events
        return page

    context = {"page": pagecache.when_shown(results), **_filter_context(request, form, filters)}
    template = "events/list.html"
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        template = "events/list.html#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _month_of(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        date(year, month, 1)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        year, month = today.year, today.month
    return year, month


@require_safe
def event_calendar(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    year, month = _month_of(request)
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    params = request.GET.copy()
    params.pop("month", None)
    weeks = selectors.month_grid(year, month, **filters)
    return render(
        request,
        "events/calendar.html",
        {
            **_filter_context(request, form, filters),
            "weeks": weeks,
            "agenda": selectors.agenda(weeks),
            "month_start": date(year, month, 1),
            "previous": f"{previous[0]}-{previous[1]:02d}",
            "following": f"{following[0]}-{following[1]:02d}",
            "month_value": f"{year}-{month:02d}",
            "other_params": params.urlencode(),
            "weekdays": [WEEKDAYS_ABBR[(i + 6) % 7] for i in range(7)],  # Sunday first
        },
    )


@require_safe
def event_map(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    city = settings.SHAREHUB_CITY
    return render(
        request,
        "events/map.html",
        {
            **_filter_context(request, form, filters),
            "center": f"{float(city['map_center'][0])},{float(city['map_center'][1])}",
            "zoom": str(city["map_zoom"]),
            "tile_url": settings.SHAREHUB_TILE_URL,
            "tile_attribution": settings.SHAREHUB_TILE_ATTRIBUTION,
        },
    )


def _invalid(form: Form) -> JsonResponse:
    """The API's error shape (DESIGN §5): a 422 naming the fields."""
    errors = {field: [str(m) for m in messages] for field, messages in form.errors.items()}
    return JsonResponse(
        {"detail": error_detail(422), "errors": errors},
        status=422,
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def events_geojson(request: HttpRequest) -> HttpResponse:
    form = page_filters(EventFilterForm, request.GET)
    if form.is_bound and not form.is_valid():
        return _invalid(form)
    filters = form.cleaned_data if form.is_bound else {}
    events = selectors.browse_events(**filters).queryset.filter(
        latitude__isnull=False, longitude__isnull=False
    )[:1000]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [event.longitude, event.latitude]},
            "properties": {
                "name": event.title,
                "summary": timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M"),
                "address": event.address,
                "url": event.get_absolute_url(),
            },
        }
        for event in events
    ]
    return JsonResponse(
        {"type": "FeatureCollection", "features": features},
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )


def share_description(event: Event) -> str:
    """What a shared link's preview says under the title: when, where, then the summary."""
    when = date_format(timezone.localtime(event.starts_at), "DATETIME_FORMAT")
    where = event.venue or (event.district.name if event.district else "")
    return " · ".join(part for part in (when, where, event.summary) if part)


def _can_manage(user: Any, event: Event) -> bool:
    """Whether the page offers the organizer's tools (each tool checks again): kept until a write
    to what it reads (the person's memberships), keyed by what it reads of the person."""
    if not user.is_authenticated:
        return False
    key = (
        f"event-manager:{user.pk}:{user.is_city_staff}:{user.is_superuser}:{event.organization_id}"
    )
    return pagecache.kept_value(key, lambda: can_manage_event(user, event))


def _registration(user: Any, event: Event) -> Registration | None:
    """The person's registration (selectors.registration_of), kept until a write to the
    registrations: the page reads it on every signed-in request, and the query's building cost
    twice the query. Every change to it (registering, cancelling, an approval, a place offered
    from the waitlist, its offer expiring) is such a write, in this process or another."""
    if not user.is_authenticated:
        return None
    return pagecache.kept_value(
        f"event-registration:{user.pk}:{event.pk}",
        lambda: selectors.registration_of(user, event),
    )


def detail_context(
    request: HttpRequest, event: Event, form: RegistrationForm | None = None
) -> dict:
    """What the event page shows; also the registration view's answer to a refused form."""
    registration = _registration(request.user, event)
    now = timezone.now()

    def materials() -> list:
        # Read only inside the page's kept fragment (pagecache.when_shown), which shows the
        # places left and, once the event has ended, its materials: kept until that changes.
        pagecache.valid_until(event.next_state_change(now))
        return list(event.materials.all()) if materials_public(event, now) else []

    return {
        "event": event,
        "og_description": share_description(event),
        "registration": registration,
        "position": selectors.waitlist_position(registration) if registration else None,
        # The questions are the same for everybody: kept until a write to them, as plain
        # values in the page's language (model rows cost more to unpickle than to read).
        "form": form
        or RegistrationForm(
            event=event,
            questions=pagecache.kept_value(
                f"event-questions:{event.pk}:{get_language()}",
                lambda: asked(event.questions.all()),
            ),
        ),
        "can_manage": _can_manage(request.user, event),
        "show_online": bool(registration and registration.status == RegistrationStatus.CONFIRMED),
        "can_cancel": bool(
            registration and registration.is_active and now < event.cancellable_until
        ),
        "materials": pagecache.when_shown(materials),
        "sessions": pagecache.when_shown(lambda: list(event.sessions.all())),
        "ended": event.ends_at <= now,
        "open": event.registration_open(now),
        "not_open_yet": bool(event.registration_opens_at and now < event.registration_opens_at),
        "map_points": json.dumps(
            [{"lat": event.latitude, "lon": event.longitude, "name": event.venue or event.address}],
            ensure_ascii=False,
        )
        if event.latitude is not None and event.longitude is not None
        else "",
        "tile_url": settings.SHAREHUB_TILE_URL,
        "tile_attribution": settings.SHAREHUB_TILE_ATTRIBUTION,
    }


@require_safe
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for(request.user, pk, kept=True)
    return render(request, "events/detail.html", detail_context(request, event))


@require_safe
def material_download(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    """A material's file, under the event page's rule (permissions.can_see_materials): 404 to
    anyone the page does not show it to; the organizer always. Never served from /media/."""
    event = selectors.get_event_for(request.user, pk)
    material = get_object_or_404(EventMaterial.objects.exclude(file=""), pk=item_id, event=event)
    if not can_see_materials(request.user, event):
        raise Http404
    return private_file_response(
        material.file,
        filename=material.original_name or material.title,
        content_type=material.content_type or "application/octet-stream",
        private=not can_see_materials(None, event),
    )
