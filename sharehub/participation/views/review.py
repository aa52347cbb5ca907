"""The committee review's pages.

Members' private workspace (404 to anyone who is not a current member of the committee, so a
stranger cannot tell what it holds): the agenda with rapporteurs and deadlines, private notes,
draft recommendations and their decisions, the coming meetings. Public: published
recommendations (their list and each one, citing the proposals it decides), and the committee's
decisions on the proposal page (`detail_extra`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sharehub.core.forms import run_action, run_service
from sharehub.core.pagination import paginate
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.participation.committee_sections import render_committee_sections
from sharehub.participation.forms_review import (
    DecisionForm,
    NoteForm,
    PublishForm,
    RapporteurForm,
    RecommendationForm,
)
from sharehub.participation.models import Committee, Proposal, Recommendation
from sharehub.participation.permissions import is_committee_member
from sharehub.participation.selectors import answers as answer_selectors
from sharehub.participation.selectors import review as review_selectors
from sharehub.participation.services import review as services

WRITE_RATE = "120/h"


def detail_extra(request: HttpRequest, proposal: Proposal) -> dict[str, Any]:
    """What this part adds to the proposal page's context: the published decisions (public) and,
    for the committee's members, a link to their workspace."""
    committee = proposal.agenda_committee
    return {
        "decisions": review_selectors.public_decisions(proposal),
        "workspace_committee": committee
        if committee is not None
        and request.user.is_authenticated
        and is_committee_member(request.user, committee)
        else None,
    }


def _workspace_url(committee: Committee) -> str:
    return reverse("participation:workspace", kwargs={"slug": committee.slug})


# The members' workspace ------------------------------------------------------------------------


@require_safe
@login_required
def my_committees(request: HttpRequest) -> HttpResponse:
    """The workspace's entry: the committees the person sits on (straight in with only one)."""
    committees = list(review_selectors.member_committees(user=request.user))
    if not committees:
        raise Http404
    if len(committees) == 1:
        return redirect(_workspace_url(committees[0]))
    return render(request, "participation/committee/mine.html", {"committees": committees})


def _workspace_context(request: HttpRequest, committee: Committee, **extra: Any) -> dict[str, Any]:
    agenda = list(review_selectors.workspace_agenda(committee))
    lead = review_selectors.can_lead_committee(request.user, committee)
    return {
        "committee": committee,
        "agenda": agenda,
        "can_lead": lead,
        "members": list(RapporteurForm(committee=committee).fields["rapporteur"].queryset)
        if lead
        else [],
        "note_form": NoteForm(),
        "drafts": review_selectors.drafts_of(committee),
        "published": review_selectors.published_recommendations(committee=committee)[:10],
        "sections": render_committee_sections(committee, request),
        **extra,
    }


@require_safe
@login_required
def workspace(request: HttpRequest, slug: str) -> HttpResponse:
    committee = review_selectors.get_workspace_committee(actor=request.user, slug=slug)
    return render(
        request,
        "participation/committee/workspace.html",
        _workspace_context(request, committee),
    )


def _agenda_proposal(committee: Committee, pk: int) -> Proposal:
    proposal = Proposal.objects.filter(pk=pk, agenda_committee=committee).first()
    if proposal is None:
        raise Http404
    return proposal


@require_POST
@login_required
@ratelimit_writes("participation.review", WRITE_RATE)
def assign_rapporteur(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    committee = review_selectors.get_workspace_committee(actor=request.user, slug=slug)
    proposal = _agenda_proposal(committee, pk)
    form = RapporteurForm(request.POST, committee=committee)
    if form.is_valid() and run_service(
        form,
        lambda: services.assign_rapporteur(
            actor=request.user, proposal=proposal, rapporteur=form.cleaned_data["rapporteur"]
        ),
    ):
        messages.success(request, _("The rapporteur is assigned."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(_workspace_url(committee) + f"#proposal-{proposal.pk}")


@require_POST
@login_required
@ratelimit_writes("participation.review", WRITE_RATE)
def add_note(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    committee = review_selectors.get_workspace_committee(actor=request.user, slug=slug)
    proposal = _agenda_proposal(committee, pk)
    form = NoteForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.add_note(
            actor=request.user,
            committee=committee,
            proposal=proposal,
            text=form.cleaned_data["text"],
        ),
    ):
        messages.success(request, _("Your note is saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(_workspace_url(committee) + f"#proposal-{proposal.pk}")


@require_POST
@login_required
def delete_note(request: HttpRequest, pk: int) -> HttpResponse:
    note = review_selectors.get_note_for(request.user, pk)
    run_action(request, services.delete_note, _("The note is deleted."), note=note)
    return redirect(_workspace_url(note.committee) + f"#proposal-{note.proposal_id}")


# Recommendations -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@ratelimit_writes("participation.review", WRITE_RATE)
def recommendation_create(request: HttpRequest, slug: str) -> HttpResponse:
    committee = review_selectors.get_workspace_committee(actor=request.user, slug=slug)
    form = RecommendationForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            recommendation := run_service(
                form,
                lambda: services.create_recommendation(
                    actor=request.user, committee=committee, **form.cleaned_data
                ),
            )
        )
    ):
        messages.success(request, _("The draft is saved. Add the committee's decisions to it."))
        return redirect("participation:recommendation", pk=recommendation.pk)
    return render(
        request,
        "participation/committee/recommendation_form.html",
        {"form": form, "committee": committee},
        status=422 if form.errors else 200,
    )


def _draft_for(request: HttpRequest, pk: int) -> Recommendation:
    """A draft for the committee's members; 404 for anyone else, and for a published one."""
    recommendation = review_selectors.get_recommendation_for(request.user, pk)
    if recommendation.is_public:
        raise Http404
    return recommendation


@require_http_methods(["GET", "POST"])
@login_required
@ratelimit_writes("participation.review", WRITE_RATE)
def recommendation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = _draft_for(request, pk)
    initial = {
        "title": recommendation.title,
        "body": recommendation.body,
        "language": recommendation.language,
    }
    form = RecommendationForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.update_recommendation(
                actor=request.user, recommendation=recommendation, **form.cleaned_data
            ),
        )
    ):
        messages.success(request, _("The draft is saved."))
        return redirect("participation:recommendation", pk=recommendation.pk)
    return render(
        request,
        "participation/committee/recommendation_form.html",
        {"form": form, "committee": recommendation.committee, "recommendation": recommendation},
        status=422 if form.errors else 200,
    )


def _recommendation_page(
    request: HttpRequest, recommendation: Recommendation, **extra: Any
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "recommendation": recommendation,
        "committee": recommendation.committee,
        "items": list(recommendation.items.all()),
    }
    if not recommendation.is_public:  # only members get this far with a draft
        context["decision_form"] = DecisionForm(committee=recommendation.committee)
        for item in context["items"]:
            item.edit_form = DecisionForm.editing(item, recommendation.committee)
        context["can_publish"] = review_selectors.can_lead_committee(
            request.user, recommendation.committee
        )
        context["publish_form"] = PublishForm()
    context.update(extra)
    return context


@require_safe
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = review_selectors.get_recommendation_for(request.user, pk)
    context = _recommendation_page(request, recommendation)
    # The city's answer to it, with its results, once there is one.
    context["city_answers"] = (
        list(answer_selectors.answer_list().filter(recommendation=recommendation))
        if recommendation.is_public
        else []
    )
    return render(request, "participation/committee/recommendation.html", context)


@require_POST
@login_required
@ratelimit_writes("participation.review", WRITE_RATE)
def decision_set(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = _draft_for(request, pk)
    form = DecisionForm(request.POST, committee=recommendation.committee)
    if form.is_valid() and run_service(
        form,
        lambda: services.set_decision(
            actor=request.user, recommendation=recommendation, **form.cleaned_data
        ),
    ):
        messages.success(request, _("The decision is saved in the draft."))
        return redirect("participation:recommendation", pk=recommendation.pk)
    context = _recommendation_page(request, recommendation, decision_form=form)
    return render(request, "participation/committee/recommendation.html", context, status=422)


@require_POST
@login_required
def decision_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = review_selectors.get_item_for(request.user, pk)
    run_action(request, services.remove_decision, _("The decision is removed."), item=item)
    return redirect("participation:recommendation", pk=item.recommendation_id)


@require_POST
@login_required
def recommendation_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publishes once the box "I confirm the publication" is ticked; unticked, the draft's page
    again with the field's error, and nothing changed."""
    recommendation = _draft_for(request, pk)
    if not review_selectors.can_lead_committee(request.user, recommendation.committee):
        raise PermissionDenied  # the service's rule, asked first: no form for a plain member
    form = PublishForm(request.POST)
    if not form.is_valid():
        context = _recommendation_page(request, recommendation, publish_form=form)
        return render(request, "participation/committee/recommendation.html", context, status=422)
    run_action(
        request,
        services.publish_recommendation,
        _("The recommendation is published; the proposals' authors and followers are told."),
        recommendation=recommendation,
    )
    return redirect("participation:recommendation", pk=recommendation.pk)


@require_POST
@login_required
def recommendation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = _draft_for(request, pk)
    committee = recommendation.committee
    if run_action(
        request,
        services.delete_recommendation,
        pgettext("recommendation", "The draft is deleted."),
        recommendation=recommendation,
    ):
        return redirect(_workspace_url(committee))
    return redirect("participation:recommendation", pk=recommendation.pk)


@require_safe
def recommendation_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, review_selectors.published_recommendations())
    return render(
        request,
        "participation/committee/recommendations.html",
        {"page": page, "recommendations": list(page.object_list)},
    )


urlpatterns: list[URLPattern] = [
    path("my-committees/", my_committees, name="my_committees"),
    path("committees/<slug:slug>/workspace/", workspace, name="workspace"),
    path(
        "committees/<slug:slug>/workspace/<int:pk>/rapporteur/",
        assign_rapporteur,
        name="assign_rapporteur",
    ),
    path("committees/<slug:slug>/workspace/<int:pk>/notes/", add_note, name="add_note"),
    path("committees/notes/<int:pk>/delete/", delete_note, name="delete_note"),
    path(
        "committees/<slug:slug>/recommendations/new/",
        recommendation_create,
        name="recommendation_create",
    ),
    path("recommendations/", recommendation_list, name="recommendations"),
    path("recommendations/<int:pk>/", recommendation_detail, name="recommendation"),
    path("recommendations/<int:pk>/edit/", recommendation_edit, name="recommendation_edit"),
    path("recommendations/<int:pk>/decisions/", decision_set, name="decision_set"),
    path("recommendations/decisions/<int:pk>/remove/", decision_remove, name="decision_remove"),
    path(
        "recommendations/<int:pk>/publish/", recommendation_publish, name="recommendation_publish"
    ),
    path("recommendations/<int:pk>/delete/", recommendation_delete, name="recommendation_delete"),
]
