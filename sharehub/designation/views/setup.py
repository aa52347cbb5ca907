"""City staff set up the review: its stages, the score sheet's criteria and the committee."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from sharehub.core.forms import run_service
from sharehub.designation import selectors, services
from sharehub.designation.forms import (
    CommitteeForm,
    CriterionForm,
    NewCriterionForm,
    NewStageForm,
    StageForm,
)
from sharehub.designation.models import ReviewStage, ScoreCriterion, ScoreSection

from .common import require_staff


@login_required
def setup_home(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    criteria = list(selectors.score_criteria())
    counts = selectors.stage_counts()
    committee = selectors.the_committee()
    sections = [
        (
            label,
            [c for c in criteria if c.section == value],
            sum(c.max_points for c in criteria if c.section == value and c.active),
        )
        for value, label in ScoreSection.choices
    ]
    return render(
        request,
        "designation/setup.html",
        {
            "stages": [
                (stage, counts.get(stage.pk, 0))
                for stage in selectors.review_stages(active_only=False)
            ],
            "sections": sections,
            "total": sum(c.max_points for c in criteria if c.active),
            "committee": committee,
            "committee_seats": selectors.committee_seats(committee) if committee else 0,
        },
    )


def _setting_form(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    success: str,
) -> HttpResponse:
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, lambda: save(form.cleaned_data))
    ):
        messages.success(request, success)
        return redirect("designation:setup")
    return render(
        request,
        "designation/setup_form.html",
        {"form": form, "title": title},
        status=400 if form.is_bound else 200,
    )


@login_required
def stage_new(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    form = NewStageForm(request.POST or None, initial={"active": True})
    return _setting_form(
        request,
        form,
        lambda data: services.create_stage(actor=request.user, **data),
        title=_("New review stage"),
        success=_("The stage has been added."),
    )


@login_required
def stage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    stage = get_object_or_404(ReviewStage, pk=pk)
    initial = {f: getattr(stage, f) for f in services.STAGE_FIELDS}
    form = StageForm(request.POST or None, initial=initial)
    return _setting_form(
        request,
        form,
        lambda data: services.update_stage(actor=request.user, stage=stage, **data),
        title=_("Review stage: %(name)s") % {"name": stage.name},
        success=_("The stage has been saved."),
    )


@login_required
def criterion_new(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    form = NewCriterionForm(request.POST or None, initial={"active": True})
    return _setting_form(
        request,
        form,
        lambda data: services.create_criterion(actor=request.user, **data),
        title=_("New criterion"),
        success=_("The criterion has been added."),
    )


@login_required
def criterion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    criterion = get_object_or_404(ScoreCriterion, pk=pk)
    initial = {f: getattr(criterion, f) for f in services.CRITERION_FIELDS}
    form = CriterionForm(request.POST or None, initial=initial)
    return _setting_form(
        request,
        form,
        lambda data: services.update_criterion(actor=request.user, criterion=criterion, **data),
        title=_("Criterion: %(name)s") % {"name": criterion.name},
        success=_("The criterion has been saved."),
    )


@login_required
def committee_edit(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    committee = selectors.the_committee()
    if committee is None:
        raise Http404
    initial = {f: getattr(committee, f) for f in services.COMMITTEE_FIELDS}
    form = CommitteeForm(request.POST or None, initial=initial)
    return _setting_form(
        request,
        form,
        lambda data: services.update_committee(actor=request.user, committee=committee, **data),
        title=_("The committee"),
        success=_("The committee has been saved."),
    )
