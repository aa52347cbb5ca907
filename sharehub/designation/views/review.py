"""City staff: the review queue, an application's review and decisions, and the decisions on a
designation (suspend, reinstate, revoke)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sharehub.core.filters import page_filters
from sharehub.core.forms import run_service
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.designation import committee as voting
from sharehub.designation import selectors, services
from sharehub.designation.forms import (
    AdvanceForm,
    ApproveForm,
    ChecklistForm,
    CommentForm,
    CommitteeDecisionForm,
    QueueFilterForm,
    ReasonForm,
    ScoreSheetForm,
)
from sharehub.designation.history import described
from sharehub.designation.models import Application, ChecklistItem

from .common import document_checklist, form_errors_message, require_staff, run_action


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    filters = page_filters(QueueFilterForm, request.GET, drafts=False)
    # An unbound form has no cleaned data (FilterForm.applied() expects a bound one).
    status = filters.applied().get("status", "") if filters.is_bound else ""
    return render(
        request,
        "designation/queue.html",
        {
            "filters": filters,
            "page": paginate(request, selectors.review_queue(status=status)),
            "query": querystring_without_page(request),
            "overdue": selectors.overdue_applications().count(),
            "reports_waiting": selectors.reports_to_review().count(),
        },
    )


def review_page(
    request: HttpRequest,
    application: Application,
    *,
    score_form: ScoreSheetForm | None = None,
    committee_form: CommitteeDecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The staff's page of one application: the file, the stages, the score sheet, the
    committee's votes and the decisions the current stage allows."""
    sheet = selectors.score_sheet(application)
    criteria = [criterion for section in sheet["sections"] for criterion, _score in section["rows"]]
    scores = {
        f"score_{criterion.code}": score.points
        for section in sheet["sections"]
        for criterion, score in section["rows"]
        if score is not None
    }
    score_form = score_form or ScoreSheetForm(initial=scores, criteria=criteria)
    score_sections = [
        {
            **section,
            "rows": [
                (criterion, score, score_form[f"score_{criterion.code}"])
                for criterion, score in section["rows"]
            ],
        }
        for section in sheet["sections"]
    ]
    stages = selectors.review_stages()
    last = stages[-1] if stages else None
    at_last = last is not None and application.stage_id == last.pk
    at_committee = application.stage is not None and application.stage.is_committee
    decisions = list(selectors.committee_decisions(application))
    committee = selectors.the_committee()
    seats = selectors.committee_seats(committee) if committee else 0
    documents = list(application.documents.all())
    return render(
        request,
        "designation/review.html",
        {
            "application": application,
            "organization": application.organization,
            "documents": documents,
            "document_checklist": document_checklist(application, documents),
            "comments": selectors.comments_for(actor=request.user, application=application),
            "comment_form": CommentForm(),
            "reason_form": ReasonForm(),
            "approve_form": ApproveForm(),
            "advance_form": AdvanceForm(),
            "checklist_form": ChecklistForm(
                initial={
                    "items": [
                        value for value, _label, checked in application.checklist_items() if checked
                    ]
                }
            ),
            "progress": selectors.stage_progress(application),
            "at_last": at_last,
            "at_committee": at_committee,
            "sheet": sheet,
            "score_form": score_form,
            "score_sections": score_sections,
            "committee": committee,
            "seats": seats,
            "quorum": voting.quorum(seats) if seats else None,
            "committee_form": committee_form
            or CommitteeDecisionForm(initial={"meeting_on": timezone.localdate()}),
            "decisions": decisions,
            "latest_decision": decisions[0] if decisions else None,
            "history": [
                (entry, f"{text} {entry.data['note']}" if (entry.data or {}).get("note") else text)
                for entry, text in described(selectors.history(application))
            ],
            "designations": selectors.designations_of(application.organization),
        },
        status=status,
    )


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    return review_page(request, selectors.get_application_for(request.user, pk))


@login_required
@require_POST
def review_advance(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(
        request,
        pk,
        services.advance_stage,
        _("The application moved to the next stage."),
        AdvanceForm,
    )


@login_required
@require_POST
def review_scores(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    application = selectors.get_application_for(request.user, pk)
    criteria = list(selectors.score_criteria(active_only=True))
    form = ScoreSheetForm(request.POST, criteria=criteria)
    if form.is_valid() and run_service(
        form,
        lambda: services.set_scores(
            actor=request.user, application=application, points=form.points()
        ),
    ):
        messages.success(request, _("The score sheet has been saved."))
        return redirect("designation:review", pk=pk)
    return review_page(request, application, score_form=form, status=400)


@login_required
@require_POST
def review_committee(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    application = selectors.get_application_for(request.user, pk)
    form = CommitteeDecisionForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.record_committee_decision(
            actor=request.user, application=application, **form.cleaned_data
        ),
    ):
        messages.success(request, _("The committee's decision has been recorded."))
        return redirect("designation:review", pk=pk)
    return review_page(request, application, committee_form=form, status=400)


def _staff_action(
    request: HttpRequest,
    pk: int,
    action: Callable[..., Any],
    success: str,
    form_class: type[forms.Form] | None = None,
    **kwargs: Any,
) -> HttpResponse:
    require_staff(request)
    application = selectors.get_application_for(request.user, pk)
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            form_errors_message(request, form)
            return redirect("designation:review", pk=pk)
        kwargs.update(form.cleaned_data)
    run_action(request, action, success, application=application, **kwargs)
    return redirect("designation:review", pk=pk)


@login_required
@require_POST
def review_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(request, pk, services.start_review, _("The review has started."))


@login_required
@require_POST
def review_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    form = ChecklistForm(request.POST)
    checked = set(form.cleaned_data["items"]) if form.is_valid() else set()
    return _staff_action(
        request,
        pk,
        services.set_checklist,
        _("The checklist has been saved."),
        checked={item: item in checked for item in ChecklistItem.values},
    )


@login_required
@require_POST
def review_request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(
        request,
        pk,
        services.request_changes,
        _("The application has been sent back to the applicant."),
        ReasonForm,
    )


@login_required
@require_POST
def review_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(
        request,
        pk,
        services.reject_application,
        _("The application has been rejected."),
        ReasonForm,
    )


@login_required
@require_POST
def review_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(
        request,
        pk,
        services.approve_application,
        _("The organization has been designated."),
        ApproveForm,
    )


def _designation_action(
    request: HttpRequest, number: str, action: Callable[..., Any], success: str
) -> HttpResponse:
    require_staff(request)
    designation = selectors.get_designation(number)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
    else:
        run_action(
            request, action, success, designation=designation, reason=form.cleaned_data["reason"]
        )
    return redirect(designation)


@login_required
@require_POST
def designation_suspend(request: HttpRequest, number: str) -> HttpResponse:
    return _designation_action(
        request, number, services.suspend_designation, _("The designation is suspended.")
    )


@login_required
@require_POST
def designation_reinstate(request: HttpRequest, number: str) -> HttpResponse:
    return _designation_action(
        request, number, services.reinstate_designation, _("The designation is active again.")
    )


@login_required
@require_POST
def designation_revoke(request: HttpRequest, number: str) -> HttpResponse:
    return _designation_action(
        request, number, services.revoke_designation, _("The designation is revoked.")
    )
