"""A person's side: propose (with attachments, and similar proposals suggested while typing the
title), edit, submit, amend, withdraw, delete a draft; support and withdraw a support; my
proposals and supports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sharehub.core.forms import run_action, run_service
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.participation import selectors, services
from sharehub.participation.forms import AmendmentForm, ProposalForm, WithdrawForm
from sharehub.participation.models import Proposal
from sharehub.participation.permissions import is_author
from sharehub.participation.selectors.similar import similar_proposals
from sharehub.participation.services import attachments as attachment_services

from .public import detail_context

WRITE_RATE = "30/h"
SUPPORT_RATE = "120/h"


def _save_attachments(request: HttpRequest, form: ProposalForm, proposal: Proposal) -> bool:
    """The form's file changes, after its text was saved; False (errors on the form) if refused."""
    changes = form.attachment_changes()
    if not changes["uploads"] and not changes["remove"]:
        return True
    return (
        run_service(
            form,
            lambda: attachment_services.change_attachments(
                actor=request.user, proposal=proposal, **changes
            ),
        )
        is not None
    )


def _form_page(
    request: HttpRequest, form: ProposalForm, proposal: Proposal | None = None
) -> HttpResponse:
    return render(
        request,
        "participation/form.html",
        {"form": form, "proposal": proposal},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
@ratelimit_writes("participation.propose", WRITE_RATE)
def proposal_create(request: HttpRequest) -> HttpResponse:
    form = ProposalForm(
        request.POST or None, request.FILES or None, initial={"language": request.LANGUAGE_CODE}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            proposal := run_service(
                form,
                lambda: services.create_proposal(actor=request.user, **form.proposal_changes()),
            )
        )
    ):
        if not _save_attachments(request, form, proposal):
            # The draft is saved; the page now edits it, with the refused files' errors.
            messages.warning(request, _("Your draft is saved, but its files were not attached."))
            return _form_page(request, form, proposal)
        messages.success(
            request,
            _("Your draft is saved. Submit it when it is ready: moderators check it first."),
        )
        return redirect(proposal)
    return _form_page(request, form)


@require_http_methods(["GET", "POST"])
@login_required
@ratelimit_writes("participation.propose", WRITE_RATE)
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.get_proposal_for(request.user, pk)
    if not is_author(request.user, proposal):
        raise PermissionDenied
    initial = {
        "title": proposal.title,
        "area": proposal.area,
        "body": proposal.body,
        "districts": list(proposal.districts.all()),
        "language": proposal.language,
    }
    form = ProposalForm(
        request.POST or None, request.FILES or None, initial=initial, proposal=proposal
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.update_proposal(
                actor=request.user, proposal=proposal, **form.proposal_changes()
            ),
        )
    ):
        if not _save_attachments(request, form, proposal):
            messages.warning(request, _("Your text is saved, but the files were not changed."))
            return _form_page(request, form, proposal)
        messages.success(request, _("Your proposal is saved."))
        return redirect(proposal)
    return _form_page(request, form, proposal)


@require_safe
def similar(request: HttpRequest) -> HttpResponse:
    """Public proposals like the title being typed (the form's htmx target, or a plain page):
    `?title=…`, and `exclude=` the proposal being edited."""
    exclude = request.GET.get("exclude", "")
    proposals = similar_proposals(
        request.GET.get("title", ""), exclude=int(exclude) if exclude.isdigit() else None
    )
    return render(request, "participation/partials/similar.html", {"similar": proposals})


@require_POST
@login_required
def proposal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.get_proposal_for(request.user, pk)
    run_action(
        request,
        services.submit_proposal,
        _("Submitted. A moderator checks it before it collects supports."),
        proposal=proposal,
    )
    return redirect(proposal)


@require_POST
@login_required
def proposal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.get_proposal_for(request.user, pk)
    if run_action(request, services.delete_draft, _("The draft is deleted."), proposal=proposal):
        return redirect("participation:mine")
    return redirect(proposal)


@require_POST
@login_required
def proposal_amend(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.get_proposal_for(request.user, pk)
    form = AmendmentForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.amend_proposal(
            actor=request.user, proposal=proposal, text=form.cleaned_data["text"]
        ),
    ):
        messages.success(request, _("Your amendment is added."))
        return redirect(proposal)
    context = detail_context(request, proposal, amendment_form=form)
    return render(request, "participation/detail.html", context, status=422)


@require_http_methods(["GET", "POST"])
@login_required
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.get_proposal_for(request.user, pk)
    if not is_author(request.user, proposal):
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.withdraw_proposal(
                actor=request.user, proposal=proposal, reason=form.cleaned_data["reason"]
            ),
        )
    ):
        messages.success(request, _("Your proposal is withdrawn."))
        return redirect(proposal)
    return render(
        request,
        "participation/withdraw.html",
        {"form": form, "proposal": proposal},
        status=422 if form.errors else 200,
    )


@require_POST
@login_required
@ratelimit_writes("participation.support", SUPPORT_RATE)
def support(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.get_proposal_for(request.user, pk)
    run_action(
        request, services.support_proposal, _("Thank you for your support."), proposal=proposal
    )
    return redirect(proposal)


@require_POST
@login_required
@ratelimit_writes("participation.support", SUPPORT_RATE)
def unsupport(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.get_proposal_for(request.user, pk)
    run_action(
        request, services.withdraw_support, _("Your support is withdrawn."), proposal=proposal
    )
    return redirect(proposal)


@require_safe
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "participation/mine.html",
        {
            "proposals": selectors.proposals_of(user=request.user)[:100],
            "supports": selectors.supports_of(user=request.user)[:100],
        },
    )
