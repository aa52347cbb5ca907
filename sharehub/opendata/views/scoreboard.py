"""The district scoreboard's pages under /{lang}/data/.

Public: the published scorings (`scoreboard/`) and one ranking with how each score was made and
the rules as published (`scoreboard/<slug>/`); a draft is a 404. City staff: every scoring
(`manage/scorings/`), a draft's details, criteria and tiers on one page, its live preview,
publishing (with a confirm step) and deleting a draft."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from sharehub.core.forms import apply_errors, run_action
from sharehub.core.pagination import paginate
from sharehub.core.rows import RowFormSet, rows_formset
from sharehub.opendata.forms_scoreboard import (
    CriterionFormSet,
    ScoringForm,
    TierFormSet,
    criterion_initial,
    tier_initial,
)
from sharehub.opendata.models import Scoring
from sharehub.opendata.permissions import runs_open_data
from sharehub.opendata.selectors import scoreboard as selectors
from sharehub.opendata.services import scoreboard as services

TEMPLATES = "opendata/scoreboard/"
PER_PAGE = 20


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], *, invalid: bool = False
) -> HttpResponse:
    return render(request, TEMPLATES + template, context, status=422 if invalid else 200)


def _require_staff(request: HttpRequest) -> None:
    if not runs_open_data(request.user):
        raise PermissionDenied


# --- public ----------------------------------------------------------------------------------


@require_safe
def scoreboard(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.published_scorings(), per_page=PER_PAGE)
    scorings = list(page.object_list)
    context = {
        "page": page,
        "scorings": scorings,
        "may_manage": runs_open_data(request.user),
    }
    return _page(request, "list.html", context)


@require_safe
def scoring(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.published_scoring(slug)
    ranking = selectors.frozen_ranking(found)
    context = {
        "scoring": found,
        "ranking": ranking,
        "may_manage": runs_open_data(request.user),
    }
    return _page(request, "detail.html", context)


# --- staff -----------------------------------------------------------------------------------


@require_safe
@login_required
def manage(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    page = paginate(request, selectors.scorings_to_manage(request.user), per_page=PER_PAGE)
    return _page(request, "manage.html", {"page": page, "scorings": list(page.object_list)})


def _split(error: ValidationError) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A service's errors for the details form, the criteria rows and the tier rows."""
    details: dict[str, Any] = {}
    criteria: dict[str, Any] = {}
    tiers: dict[str, Any] = {}
    if not hasattr(error, "error_dict"):
        return {"__all__": error.error_list}, criteria, tiers
    for key, errors in error.error_dict.items():
        if key == "criteria" or key.startswith("criteria-"):
            criteria[key] = errors
        elif key == "tiers" or key.startswith("tiers-"):
            tiers[key] = errors
        else:
            details[key] = errors
    return details, criteria, tiers


def _edit(request: HttpRequest, scoring: Scoring | None) -> HttpResponse:
    posted = request.POST if request.method == "POST" else None
    form = ScoringForm(posted, scoring=scoring)
    criteria: RowFormSet = rows_formset(
        CriterionFormSet, posted, initial=criterion_initial(scoring), prefix="criteria"
    )
    tiers: RowFormSet = rows_formset(
        TierFormSet, posted, initial=tier_initial(scoring), prefix="tiers"
    )
    invalid = False
    if posted is not None:
        valid = all([form.is_valid(), criteria.is_valid(), tiers.is_valid()])
        if valid:
            try:
                if scoring is None:
                    saved = services.create_scoring(
                        actor=request.user,
                        criteria=criteria.rows(),
                        tiers=tiers.rows(),
                        **form.service_fields(),
                    )
                else:
                    saved = services.update_scoring(
                        actor=request.user,
                        scoring=scoring,
                        criteria=criteria.rows(),
                        tiers=tiers.rows(),
                        **form.service_fields(),
                    )
            except ValidationError as error:
                details, criteria_errors, tier_errors = _split(error)
                if details:
                    apply_errors(form, ValidationError(details))
                if criteria_errors:
                    criteria.show_errors(ValidationError(criteria_errors))
                if tier_errors:
                    tiers.show_errors(ValidationError(tier_errors))
            else:
                messages.success(request, _("The scoring is saved. Check its preview."))
                return redirect("opendata:scoring_preview", slug=saved.slug)
        invalid = True
    context = {"scoring": scoring, "form": form, "criteria": criteria, "tiers": tiers}
    return _page(request, "form.html", context, invalid=invalid)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def scoring_new(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    return _edit(request, None)


def _staff_scoring(request: HttpRequest, slug: str) -> Scoring:
    _require_staff(request)
    return selectors.scoring_to_manage(request.user, slug)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def scoring_edit(request: HttpRequest, slug: str) -> HttpResponse:
    found = _staff_scoring(request, slug)
    if found.is_published:
        messages.error(request, _("This scoring is published: its rules and ranking are frozen."))
        return redirect("opendata:scoring_preview", slug=found.slug)
    return _edit(request, found)


@require_safe
@login_required
def scoring_preview(request: HttpRequest, slug: str) -> HttpResponse:
    found = _staff_scoring(request, slug)
    ranking = (
        selectors.frozen_ranking(found)
        if found.is_published
        else selectors.live_ranking(request.user, found)
    )
    return _page(request, "preview.html", {"scoring": found, "ranking": ranking})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def scoring_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: what publishing will write and what keeps it from it; POST: publish."""
    found = _staff_scoring(request, slug)
    if request.method == "POST":
        if run_action(
            request,
            services.publish_scoring,
            _("The scoring is published: its ranking is frozen."),
            scoring=found,
        ):
            return redirect("opendata:scoring", slug=found.slug)
        return redirect("opendata:scoring_publish", slug=found.slug)
    ranking = None if found.is_published else selectors.live_ranking(request.user, found)
    return _page(request, "publish.html", {"scoring": found, "ranking": ranking})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def scoring_delete(request: HttpRequest, slug: str) -> HttpResponse:
    found = _staff_scoring(request, slug)
    if request.method == "POST":
        if run_action(
            request, services.delete_scoring, _("The draft scoring is deleted."), scoring=found
        ):
            return redirect("opendata:manage_scorings")
        return redirect("opendata:scoring_preview", slug=found.slug)
    return _page(request, "delete.html", {"scoring": found})


urlpatterns: list[URLPattern] = [
    path("scoreboard/", scoreboard, name="scoreboard"),
    path("scoreboard/<slug:slug>/", scoring, name="scoring"),
    path("manage/scorings/", manage, name="manage_scorings"),
    path("manage/scorings/new/", scoring_new, name="scoring_new"),
    path("manage/scorings/<slug:slug>/", scoring_preview, name="scoring_preview"),
    path("manage/scorings/<slug:slug>/edit/", scoring_edit, name="scoring_edit"),
    path("manage/scorings/<slug:slug>/publish/", scoring_publish, name="scoring_publish"),
    path("manage/scorings/<slug:slug>/delete/", scoring_delete, name="scoring_delete"),
]
