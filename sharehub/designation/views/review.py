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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sharehub.core.filters import page_filters
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.designation import selectors, services
from sharehub.designation.forms import (
    ApproveForm,
    ChecklistForm,
    CommentForm,
    QueueFilterForm,
    ReasonForm,
)
from sharehub.designation.history import described
from sharehub.designation.models import ChecklistItem

from .common import form_errors_message, require_staff, run_action


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
        },
    )


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    application = selectors.get_application_for(request.user, pk)
    return render(
        request,
        "designation/review.html",
        {
            "application": application,
            "organization": application.organization,
            "documents": application.documents.all(),
            "comments": selectors.comments_for(actor=request.user, application=application),
            "comment_form": CommentForm(),
            "reason_form": ReasonForm(),
            "approve_form": ApproveForm(),
            "checklist_form": ChecklistForm(
                initial={
                    "items": [
                        value for value, _label, checked in application.checklist_items() if checked
                    ]
                }
            ),
            "history": described(selectors.history(application)),
            "designations": selectors.designations_of(application.organization),
        },
    )


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
