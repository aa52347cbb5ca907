"""facilities pages: lottery rounds for popular slots: a round's public page (seed fingerprint
before the draw, the seed and the draw after it, with the code to check it) and its JSON, entering
and withdrawing, and the parts other pages include (`detail_extra`, `mine_extra`, …)."""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sharehub.core.forms import run_action, run_service
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.facilities import selectors
from sharehub.facilities.forms_lottery import EntryForm
from sharehub.facilities.models import Allocation, LotteryEntry, LotteryRound, Space
from sharehub.facilities.selectors import lottery as reads
from sharehub.facilities.services import lottery as service

ENTER_RATE = "30/h"


def _initial(request: HttpRequest) -> dict[str, Any]:
    """The slot chosen on the space's page (?start=…&end=… as ISO moments), as the booking form
    takes it."""
    try:
        start = timezone.localtime(datetime.fromisoformat(request.GET["start"]))
        end = timezone.localtime(datetime.fromisoformat(request.GET["end"]))
    except (KeyError, ValueError):
        return {}
    return {"day": start.date(), "start": start.time(), "end": end.time()}


def _entries_rows(lottery: LotteryRound) -> list[dict[str, Any]]:
    drawn = lottery.drawn_at is not None
    return [
        {
            "number": entry.pk,
            "starts_at": entry.starts_at,
            "ends_at": entry.ends_at,
            "position": entry.position,
            "status": entry.status if drawn else "entered",
            "outcome": entry.outcome if drawn else "",
            "outcome_text": service.outcome_label(entry.outcome) if drawn else "",
        }
        for entry in reads.published_entries(lottery)
    ]


def _published(lottery: LotteryRound) -> dict[str, Any]:
    rows = _entries_rows(lottery)
    drawn = lottery.drawn_at is not None
    numbers = sorted(row["number"] for row in rows)
    return {
        "rows": rows,
        "drawn": drawn,
        # The seed only once drawn: before, the fingerprint alone commits to it.
        "seed": lottery.seed if drawn else "",
        "code": reads.reproduce_code(lottery, numbers) if drawn else "",
    }


@require_safe
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lottery = reads.public_round(pk)
    context = {"round": lottery, "space": lottery.space, **_published(lottery)}
    return render(request, "facilities/lottery/round.html", context)


@require_safe
def round_json(request: HttpRequest, pk: int) -> JsonResponse:
    lottery = reads.public_round(pk)
    published = _published(lottery)
    data = {
        "round": lottery.pk,
        "space": lottery.space.slug,
        "covers_from": lottery.covers_from.isoformat(),
        "covers_until": lottery.covers_until.isoformat(),
        "draws_at": lottery.draws_at.isoformat(),
        "drawn_at": lottery.drawn_at.isoformat() if lottery.drawn_at else None,
        "seed_hash": lottery.seed_hash,
        "seed": published["seed"] or None,
        "method": "sorted(entries, key=lambda n: (HMAC-SHA256(key=seed, msg=str(n)).hexdigest(), n))",
        "entries": [
            {
                "number": row["number"],
                "starts_at": row["starts_at"].isoformat(),
                "ends_at": row["ends_at"].isoformat(),
                "position": row["position"],
                "status": row["status"],
                "outcome": row["outcome"] or None,
            }
            for row in published["rows"]
        ],
        "code": published["code"] or None,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'inline; filename="lottery-{lottery.pk}.json"'
    return response


def _chosen(request: HttpRequest) -> dict[str, Any]:
    """The form's first values: the slot chosen on the space's page, or a round's first day
    (?day=YYYY-MM-DD)."""
    initial = _initial(request)
    if "day" not in initial:
        with contextlib.suppress(ValueError):
            initial["day"] = date.fromisoformat(request.GET.get("day", ""))
    return initial


@require_http_methods(["GET", "POST"])
@login_required
@ratelimit_writes("facilities.lottery.enter", ENTER_RATE)
def enter(request: HttpRequest, slug: str) -> HttpResponse:
    space = selectors.get_space(slug=slug)
    if space.allocation != Allocation.LOTTERY:
        raise Http404
    initial = _chosen(request)
    form = EntryForm(request.POST or None, space=space, user=request.user, initial=initial)
    now = timezone.now()
    if request.method == "POST" and form.is_valid():
        lottery = reads.entering_round(space, form.cleaned_data["day"], now=now)
        if lottery is None:
            form.add_error("day", _("No lottery round takes entries for this day."))
        elif entry := run_service(
            form,
            lambda: service.enter(actor=request.user, lottery=lottery, ask=form.ask()),
        ):
            messages.success(
                request,
                _(
                    "You entered the lottery (entry no. %(number)s). We will tell you after the draw."
                )
                % {"number": entry.pk},
            )
            return redirect("facilities:lottery_round", pk=entry.round_id)
    rounds = [
        r for r in reads.space_rounds(space, limit=6) if r.drawn_at is None and r.draws_at > now
    ]
    return render(
        request,
        "facilities/lottery/enter.html",
        {"space": space, "form": form, "rounds": rounds},
        status=422 if form.errors else 200,
    )


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    entry: LotteryEntry = reads.get_entry_for(request.user, pk)
    run_action(request, service.withdraw, _("Your entry is withdrawn."), entry=entry)
    return redirect(reverse("facilities:mine") + "#lottery-heading")


urlpatterns: list[URLPattern] = [
    path("lottery/<int:pk>/", round_detail, name="lottery_round"),
    path("lottery/<int:pk>/draw.json", round_json, name="lottery_round_json"),
    path("lottery/entries/<int:pk>/withdraw/", withdraw, name="lottery_withdraw"),
    path("lottery/<slug:slug>/enter/", enter, name="lottery_enter"),
]


# --- The parts other pages include (views/parts.py) ---------------------------------------------


def detail_extra(request: HttpRequest, space: Space) -> dict[str, Any]:
    if space.allocation != Allocation.LOTTERY:
        return {}
    now = timezone.now()
    rounds = reads.space_rounds(space, limit=4)
    return {
        "lottery_open": [r for r in rounds if r.drawn_at is None and r.draws_at > now],
        "lottery_drawn": [r for r in rounds if r.drawn_at is not None][:3],
    }


def mine_extra(request: HttpRequest) -> dict[str, Any]:
    entries = list(reads.entries_of(user=request.user)[:20])
    for entry in entries:
        entry.outcome_text = service.outcome_label(entry.outcome) if entry.outcome else ""  # type: ignore[attr-defined]
    return {"lottery_entries": entries, "lottery_now": timezone.now()}


def calendar_extra(request: HttpRequest, space: Space) -> dict[str, Any]:
    if space.allocation != Allocation.LOTTERY and not space.lottery_rounds.exists():
        return {}
    return {"lottery_rounds": reads.space_rounds(space, limit=8)}


def queue_extra(request: HttpRequest) -> dict[str, Any]:
    return {"lottery_rounds": reads.staff_rounds(selectors.staffed_spaces(request.user))}
