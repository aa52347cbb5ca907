"""Support programmes: the decisions part's pages (see views/parts.py for the shared pages' hooks).

- `applications/<pk>/decide/` (and `…/committee/`): the call's staff record the committee's vote
  and decide (award within cap and budget, waitlist, reject); the application's page shows the
  same forms (`application_extra`), which post here;
- `applications/<pk>/award/reduce/`: lower an award;
- `applications/committee/`: the applications before the committee in the calls one runs;
  `applications/committee/<call>/`: one meeting's votes on several of a call's applications;
- `awards/`, `awards.csv`, `awards/360giving.json`: the public list of awards (transparency),
  filtered by call and year; only awards, never an application, a rejection or a person.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sharehub.core.csvexport import csv_response, encoding_from
from sharehub.core.filters import page_filters
from sharehub.core.forms import run_service
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.designation import committee as voting
from sharehub.designation.selectors import committee_seats
from sharehub.programmes import giving360
from sharehub.programmes.forms_decisions import (
    AwardFilterForm,
    CommitteeVoteForm,
    DecisionForm,
    MeetingForm,
    ReduceAwardForm,
)
from sharehub.programmes.models import (
    DECIDED_STATUSES,
    Application,
    ApplicationStatus,
    Award,
    Call,
)
from sharehub.programmes.permissions import is_call_staff, is_member, runs_any_call
from sharehub.programmes.selectors import decisions as selectors
from sharehub.programmes.selectors import get_application_for, get_call_for
from sharehub.programmes.services import decisions as services

PER_PAGE = 30
MEETING_ROWS = 100  # applications one meeting form holds (a call's committee list)
CALL_PAGE_AWARDS = 50  # the call page lists this many; the awards page has them all


def _allowed_outcomes(application: Application) -> list[str]:
    return [
        str(outcome)
        for outcome in services.OUTCOMES
        if application.status in services.DECIDABLE_FROM[outcome]
    ]


def _staff_context(
    application: Application,
    *,
    committee_form: CommitteeVoteForm | None = None,
    decision_form: DecisionForm | None = None,
    reduce_form: ReduceAwardForm | None = None,
) -> dict[str, Any]:
    """What the call's staff see of the committee and the decision on one application."""
    call = application.call
    committee = services.committee_of(call)
    seats = committee_seats(committee) if committee is not None else 0
    votes = selectors.votes_of(application)
    outcomes = _allowed_outcomes(application)
    award = Award.objects.filter(application=application).first()
    return {
        "staff": True,
        "application": application,
        "call": call,
        "committee": committee,
        "seats": seats,
        "quorum": voting.quorum(seats) if seats else None,
        "votes": votes,
        "latest_vote": votes[0] if votes else None,
        "at_committee": application.status == ApplicationStatus.COMMITTEE,
        "committee_form": committee_form
        or CommitteeVoteForm(initial={"meeting_on": timezone.localdate()}),
        "can_decide": bool(outcomes),
        "decision_form": decision_form or DecisionForm(outcomes=outcomes),
        "cap": services.cap_for(application, call),
        "budget_left": call.budget_left,
        "award": award,
        "reduce_form": reduce_form or (ReduceAwardForm() if award is not None else None),
    }


def _staff_application(request: HttpRequest, pk: int) -> Application:
    """The application, if this person runs its call: 404 unless they may see it, 403 if they
    see it without running the call (its members, its reviewers)."""
    application = get_application_for(request.user, pk)
    if not is_call_staff(request.user, application.call):
        raise PermissionDenied(_("Only the staff of this call may do this."))
    return application


def _decision_page(
    request: HttpRequest, application: Application, *, status: int = 200, **forms: Any
) -> HttpResponse:
    return render(
        request,
        "programmes/decisions/decide.html",
        {"application": application, "application_decisions": _staff_context(application, **forms)},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The staff's decision on an application (GET: the committee's votes and the forms)."""
    application = _staff_application(request, pk)
    if request.method != "POST":
        return _decision_page(request, application)
    form = DecisionForm(request.POST, outcomes=_allowed_outcomes(application))
    if form.is_valid() and run_service(
        form,
        lambda: services.decide(
            actor=request.user,
            application=application,
            outcome=form.cleaned_data["outcome"],
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
        ),
    ):
        messages.success(request, _("The decision has been recorded and the applicant told."))
        return redirect("programmes:decide", pk=pk)
    return _decision_page(request, application, decision_form=form, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def committee(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the committee's vote on an application before it (GET: the decision page)."""
    application = _staff_application(request, pk)
    if request.method != "POST":
        return _decision_page(request, application)
    form = CommitteeVoteForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.record_committee_vote(
            actor=request.user, application=application, **form.cleaned_data
        ),
    ):
        messages.success(request, _("The committee's vote has been recorded."))
        return redirect("programmes:decide", pk=pk)
    return _decision_page(request, application, committee_form=form, status=400)


@login_required
@require_POST
def reduce_award(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk)
    award = Award.objects.filter(application=application).first()
    form = ReduceAwardForm(request.POST)
    if award is None:
        form.add_error(None, _("This application has no award."))
    elif form.is_valid() and run_service(
        form,
        lambda: services.reduce_award(
            actor=request.user,
            award=award,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
        ),
    ):
        messages.success(request, _("The award has been lowered and the applicant told."))
        return redirect("programmes:decide", pk=pk)
    return _decision_page(request, application, reduce_form=form, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def committee_meeting(request: HttpRequest, slug: str) -> HttpResponse:
    """One meeting's votes on several applications of a call at once."""
    call = get_call_for(request.user, slug)
    if not is_call_staff(request.user, call):
        raise PermissionDenied(_("Only the staff of this call may do this."))
    applications = list(
        Application.objects.filter(call=call, status=ApplicationStatus.COMMITTEE)
        .select_related("organization", "track")
        .order_by("submitted_at", "pk")[:MEETING_ROWS]
    )
    if request.method != "POST":
        form = MeetingForm(initial={"meeting_on": timezone.localdate()}, applications=applications)
        return _meeting_page(request, call, form)
    form = MeetingForm(request.POST, applications=applications)
    if form.is_valid() and run_service(
        form,
        lambda: services.record_committee_votes(
            actor=request.user,
            call=call,
            meeting_on=form.cleaned_data["meeting_on"],
            attendees=form.cleaned_data["attendees"],
            votes=form.votes(),
        ),
    ):
        messages.success(request, _("The committee's votes have been recorded."))
        return redirect("programmes:committee_queue")
    return _meeting_page(request, call, form, status=400)


def _meeting_page(
    request: HttpRequest, call: Call, form: MeetingForm, *, status: int = 200
) -> HttpResponse:
    committee = services.committee_of(call)
    seats = committee_seats(committee) if committee is not None else 0
    return render(
        request,
        "programmes/decisions/meeting.html",
        {
            "call": call,
            "form": form,
            "committee": committee,
            "seats": seats,
            "quorum": voting.quorum(seats) if seats else None,
        },
        status=status,
    )


@require_safe
@login_required
def committee_queue(request: HttpRequest) -> HttpResponse:
    """The applications before the committee in the calls this person runs."""
    if not runs_any_call(request.user):
        raise PermissionDenied
    page = paginate(request, selectors.before_committee(request.user), per_page=PER_PAGE)
    calls = list({application.call_id: application.call for application in page}.values())
    return render(
        request,
        "programmes/decisions/committee_queue.html",
        {"page": page, "calls": calls, "query": querystring_without_page(request)},
    )


def _award_filters(request: HttpRequest) -> tuple[AwardFilterForm, dict[str, Any]]:
    filters = page_filters(AwardFilterForm, request.GET)
    applied = filters.applied()
    return filters, {"call": applied.get("call") or "", "year": applied.get("year")}


@require_safe
def awards(request: HttpRequest) -> HttpResponse:
    """The public list of awards: per call, the organization, the project, the track, the amount
    and the date, with each call's total; filtered by call and year."""
    filters, query = _award_filters(request)
    awarded = selectors.public_awards(**query)
    return render(
        request,
        "programmes/awards.html",
        {
            "filters": filters,
            "page": paginate(request, awarded, per_page=PER_PAGE),
            "totals": selectors.totals_by_call(awarded),
            "query": querystring_without_page(request),
        },
    )


def csv_header() -> list[str]:
    return [
        _("Call"),
        _("Track"),
        _("Organization"),
        _("Project"),
        _("Amount awarded (won)"),
        _("Awarded on"),
        _("District"),
        _("Identifier"),
    ]


@require_safe
def awards_csv(request: HttpRequest) -> HttpResponse:
    """The awards as CSV (the page's filters apply): UTF-8 with a BOM or `?encoding=cp949`."""
    try:
        encoding = encoding_from(request.GET)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=422, content_type="text/plain")
    _filters, query = _award_filters(request)
    rows = selectors.awards_csv_rows(
        selectors.public_awards(**query), header=csv_header(), prefix=giving360.prefix()
    )
    filename = f"awards-{timezone.localdate().isoformat()}.csv"
    response = csv_response(rows, filename=filename, encoding=encoding)
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def awards_json(request: HttpRequest) -> HttpResponse:
    """The awards as a 360Giving data package (giving360.py); the page's filters apply."""
    _filters, query = _award_filters(request)
    body = json.dumps(
        giving360.package(selectors.public_awards(**query).iterator(chunk_size=500)),
        ensure_ascii=False,
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


urlpatterns: list[URLPattern] = [
    path("applications/committee/", committee_queue, name="committee_queue"),
    path("applications/committee/<slug:slug>/", committee_meeting, name="committee_meeting"),
    path("applications/<int:pk>/committee/", committee, name="committee"),
    path("applications/<int:pk>/decide/", decide, name="decide"),
    path("applications/<int:pk>/award/reduce/", reduce_award, name="reduce_award"),
    path("awards/", awards, name="awards"),
    path("awards.csv", awards_csv, name="awards_csv"),
    path("awards/360giving.json", awards_json, name="awards_json"),
]
slug_urlpatterns: list[URLPattern] = []


# --- The shared pages' hooks (views/parts.py) ---------------------------------------------------


def application_extra(request: HttpRequest, application: Application) -> dict[str, Any]:
    """The call's staff: the committee's votes, the vote and decision forms, the cap and the
    budget left. The applicant's members: the decision, its reasons and the amount (never the
    votes or who attended). Nobody else."""
    if is_call_staff(request.user, application.call):
        return {"application_decisions": _staff_context(application)}
    if application.status in DECIDED_STATUSES and is_member(request.user, application.organization):
        return {
            "application_decisions": {
                "staff": False,
                "application": application,
                "award": Award.objects.filter(application=application).first(),
            }
        }
    return {}


def call_extra(request: HttpRequest, call: Call) -> dict[str, Any]:
    """The call's awards on its page, once it has any, with the budget awarded and left."""
    awarded = list(selectors.call_awards(call)[: CALL_PAGE_AWARDS + 1])
    if not awarded:
        return {}
    return {
        "call_awards": {
            "call": call,
            "awards": awarded[:CALL_PAGE_AWARDS],
            "count": call.awards.count() if len(awarded) > CALL_PAGE_AWARDS else len(awarded),
        }
    }
