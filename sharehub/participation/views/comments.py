"""participation: comments pages — comment and reply on a proposal, edit one's own comment,
follow and unfollow a proposal, and the RSS/Atom feeds (per policy area, per proposal). Reports go
through moderation's report page (`{% report_url comment %}`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from sharehub.core.forms import run_action, run_service
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.participation import feeds, selectors
from sharehub.participation.models import COMMENT_MAX, Comment, Proposal, Stance
from sharehub.participation.permissions import has_verified_email
from sharehub.participation.selectors import comments as comment_selectors
from sharehub.participation.services import comments as services

COMMENT_RATE = "30/h"
FOLLOW_RATE = "120/h"
THREADS_PER_PAGE = 20
PAGE_PARAM = "comments"


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your comment"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    stance = forms.ChoiceField(
        label=gettext_lazy("Your position on the proposal"),
        choices=Stance.choices,
        initial=Stance.NEUTRAL,
        widget=forms.RadioSelect,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


def _reply_form(parent_pk: int, data: Any = None) -> CommentForm:
    """A reply's form: no stance (replies take none, services.comments._clean_stance)."""
    form = CommentForm(data, auto_id=f"id_reply{parent_pk}_%s", initial={"parent": parent_pk})
    del form.fields["stance"]
    return form


def _attach_reply_forms(nodes: list, bound: CommentForm | None, bound_parent: int | None) -> bool:
    """Each published comment gets its reply form (the bound one, with its errors, under the
    comment it answered); True when the bound form found its place."""
    placed = False
    for node in nodes:
        node.reply_open = False
        if node.hidden:
            node.reply_form = None
        elif bound is not None and bound_parent == node.comment.pk:
            node.reply_form = bound
            node.reply_open = placed = True
        else:
            node.reply_form = _reply_form(node.comment.pk)
        placed = _attach_reply_forms(node.replies, bound, bound_parent) or placed
    return placed


def detail_extra(
    request: HttpRequest,
    proposal: Proposal,
    *,
    bound: CommentForm | None = None,
    bound_parent: int | None = None,
) -> dict[str, Any]:
    """What this part adds to the proposal page's context: a page of comment threads with the
    stance counts, the comment form (or why commenting is closed), following, the feeds."""
    paginator = Paginator(comment_selectors.root_comments(proposal), THREADS_PER_PAGE)
    page = paginator.get_page(request.GET.get(PAGE_PARAM))
    threads = comment_selectors.build_threads(list(page.object_list))
    placed = _attach_reply_forms(threads, bound, bound_parent)
    closed = services.comment_closed_reason(proposal)
    user = request.user
    signed_in = user.is_authenticated
    return {
        "comment_threads": threads,
        "comments_page": page,
        "comments_page_param": PAGE_PARAM,
        "stance_counts": comment_selectors.stance_counts(proposal),
        "comments_closed": closed[1] if closed else "",
        "may_comment": closed is None and signed_in and has_verified_email(user),
        # A reply whose comment is not on this page shows its errors in the main form.
        "comment_form": bound if bound is not None and not placed else CommentForm(),
        "following": comment_selectors.is_following(user=user, proposal=proposal),
        "may_follow": proposal.is_public and signed_in,
        "feeds_public": proposal.is_public,
    }


@require_POST
@login_required
@ratelimit_writes("participation.comment", COMMENT_RATE)
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    from .public import detail_context  # noqa: PLC0415 (public imports this module)

    proposal = selectors.get_proposal_for(request.user, pk)
    raw_parent = request.POST.get("parent", "")
    bound_parent = int(raw_parent) if raw_parent.isdigit() else None
    form = _reply_form(bound_parent, request.POST) if bound_parent else CommentForm(request.POST)
    parent: Comment | None = None
    if form.is_valid() and form.cleaned_data["parent"]:
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"], proposal=proposal).first()
        if parent is None:
            form.add_error("body", _("The comment you reply to does not exist."))
    if form.is_valid() and (
        comment := run_service(
            form,
            lambda: services.create_comment(
                actor=request.user,
                proposal=proposal,
                body=form.cleaned_data["body"],
                stance=form.cleaned_data.get("stance"),
                parent=parent,
            ),
        )
    ):
        messages.success(request, _("Your comment is published."))
        return redirect(comment.get_absolute_url())
    context = detail_context(request, proposal)
    context.update(detail_extra(request, proposal, bound=form, bound_parent=bound_parent))
    return render(request, "participation/detail.html", context, status=422)


@require_http_methods(["GET", "POST"])
@login_required
@ratelimit_writes("participation.comment", COMMENT_RATE)
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = comment_selectors.get_comment_for(request.user, comment_id)
    if comment.author_id != request.user.pk:
        raise PermissionDenied
    form = CommentForm(
        request.POST or None, initial={"body": comment.body, "stance": comment.stance}
    )
    if not comment.takes_stance:
        del form.fields["stance"]
    if request.method == "POST" and form.is_valid():
        edited = run_service(
            form,
            lambda: services.edit_comment(
                actor=request.user,
                comment=comment,
                body=form.cleaned_data["body"],
                stance=form.cleaned_data.get("stance"),
            ),
        )
        if edited is not None:
            messages.success(request, _("Your comment is saved."))
            return redirect(edited.get_absolute_url())
    return render(
        request,
        "participation/comments/edit.html",
        {"form": form, "comment": comment, "proposal": comment.proposal},
        status=422 if form.errors else 200,
    )


@require_POST
@login_required
@ratelimit_writes("participation.follow", FOLLOW_RATE)
def follow(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.get_proposal_for(request.user, pk)
    run_action(
        request,
        services.follow_proposal,
        _("You follow this proposal: you will be told of its comments and what becomes of it."),
        proposal=proposal,
    )
    return redirect(reverse("participation:detail", kwargs={"pk": pk}) + "#follow-heading")


@require_POST
@login_required
@ratelimit_writes("participation.follow", FOLLOW_RATE)
def unfollow(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.get_proposal_for(request.user, pk)
    run_action(
        request,
        services.unfollow_proposal,
        _("You no longer follow this proposal."),
        proposal=proposal,
    )
    return redirect(reverse("participation:detail", kwargs={"pk": pk}) + "#follow-heading")


urlpatterns: list[URLPattern] = [
    path("<int:pk>/comments/", comment_create, name="comment"),
    path("comments/<int:comment_id>/edit/", comment_edit, name="comment_edit"),
    path("<int:pk>/follow/", follow, name="follow"),
    path("<int:pk>/unfollow/", unfollow, name="unfollow"),
    path("<int:pk>/feed/rss/", feeds.ProposalFeed(), name="proposal_rss"),
    path("<int:pk>/feed/atom/", feeds.AtomProposalFeed(), name="proposal_atom"),
    path("areas/<slug:slug>/feed/rss/", feeds.AreaFeed(), name="area_rss"),
    path("areas/<slug:slug>/feed/atom/", feeds.AtomAreaFeed(), name="area_atom"),
]
