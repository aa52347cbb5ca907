"""facilities pages: The waitlist for taken periods: offers when a period is released; reminders before a booking.

Joining is a small form on the space page (a taken time of the shown week); leaving, the person's
waitlist and offers are on "My bookings"; a booking made from an offer says so on its page; the
space's staff see its waitlist on their calendar.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sharehub.core.forms import run_action, run_service
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.facilities import selectors
from sharehub.facilities.forms_waitlist import JoinWaitlistForm
from sharehub.facilities.models import Booking, Space
from sharehub.facilities.selectors import waitlist as waitlist_selectors
from sharehub.facilities.services import waitlist as services

JOIN_RATE = "30/h"
STAFF_LIST_MAX = 100


def _week_start(value: str | None) -> date:
    """The space page's shown week (as the page reads `?week=`)."""
    today = timezone.localdate()
    try:
        chosen = date.fromisoformat(value) if value else today
    except ValueError:
        chosen = today
    return max(chosen, today)


def detail_extra(request: HttpRequest, space: Space) -> dict[str, Any]:
    """The taken times of the shown week one may wait for, and the person's places in the
    waitlist of this space. Two queries."""
    first = _week_start(request.GET.get("week"))
    now = timezone.now()
    mine = list(waitlist_selectors.live_entries_of(request.user).filter(space=space))
    waited = {entry.starts_at for entry in mine}
    periods = [
        (starts, ends)
        for starts, ends in waitlist_selectors.taken_periods(
            space, first, now=now, user=request.user
        )
        if starts not in waited
    ]
    return {
        "waitlist_form": JoinWaitlistForm(periods=periods, auto_id="id_waitlist_%s"),
        "waitlist_periods": periods,
        "waitlist_mine": mine,
        "waitlist_week": first,
        "waitlist_offer_hours": services.OFFER_HOURS,
    }


def mine_extra(request: HttpRequest) -> dict[str, Any]:
    """The person's live offers and waited-for times (at most `MAX_LIVE_ENTRIES`)."""
    return {
        "waitlist_entries": list(waitlist_selectors.live_entries_of(request.user)),
        "waitlist_now": timezone.now(),
    }


def booking_extra(request: HttpRequest, booking: Booking) -> dict[str, Any]:
    return {"waitlist_origin": waitlist_selectors.from_offer(booking)}


def calendar_extra(request: HttpRequest, space: Space) -> dict[str, Any]:
    """For the space's staff (the calendar page checked it): who waits for which time."""
    return {"space_waitlist": list(waitlist_selectors.space_waitlist(space)[:STAFF_LIST_MAX])}


@require_POST
@login_required
@ratelimit_writes("facilities.waitlist", JOIN_RATE)
def join(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.get_space(slug=slug)
    form = JoinWaitlistForm(request.POST)
    week = request.POST.get("week", "")
    if form.is_valid():
        starts_at, ends_at = form.cleaned_data["period"]
        week = timezone.localtime(starts_at).date().isoformat()
        if run_service(
            form,
            lambda: services.join(
                actor=request.user, space=space, starts_at=starts_at, ends_at=ends_at
            ),
        ):
            messages.success(
                request, _("You are on the waitlist: we will tell you if the time is released.")
            )
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))
    query = f"?{urlencode({'week': week})}" if week else ""
    return redirect(f"{space.get_absolute_url()}{query}#waitlist-heading")


@require_POST
@login_required
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    entry = waitlist_selectors.get_entry_for(request.user, pk)
    run_action(request, services.leave, _("You have left the waitlist."), entry=entry)
    return redirect(reverse("facilities:mine") + "#waitlist-heading")


urlpatterns: list[URLPattern] = [
    path("waitlist/<slug:slug>/join/", join, name="waitlist_join"),
    path("waitlist/entries/<int:pk>/leave/", leave, name="waitlist_leave"),
]
