"""The public pages: the proposal list, one proposal with its timeline, the committees."""

from __future__ import annotations

import functools
import re
from typing import Any

from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from sharehub.core.filters import page_filters
from sharehub.core.pagecache import when_shown
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.participation import selectors
from sharehub.participation.committee_sections import render_committee_sections
from sharehub.participation.filters import ProposalFilterForm
from sharehub.participation.forms import AmendmentForm
from sharehub.participation.models import SUPPORT_STATES, Proposal
from sharehub.participation.permissions import can_edit_in_place, is_author, is_committee_member
from sharehub.participation.selectors import review as review_selectors
from sharehub.participation.views import answers, comments, review

# The proposal list counts its matches up to this many ("more than 1,000 proposals" past it):
# counting 100,000 rows on every page was half the page's time (bench/participation_bench.py).
LIST_COUNT_CAP = 1000


@require_safe
def proposal_list(request: HttpRequest) -> HttpResponse:
    form = page_filters(ProposalFilterForm, request.GET)
    filters = form.applied() if form.is_bound else {}

    # Read only where the results are shown, inside a kept fragment (pagecache.when_shown).
    @functools.cache
    def results() -> Page:
        return paginate(
            request,
            selectors.cards(selectors.proposal_list(filters=filters)),
            count_cap=LIST_COUNT_CAP,
        )

    context = {
        "page": when_shown(results),
        "proposals": when_shown(lambda: list(results().object_list)),
        "filter_form": form,
        "query": querystring_without_page(request),
    }
    template = "participation/list.html"
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        template = "participation/list.html#results"
    response = render(request, template, context)
    _show_own_supports(request, response)
    patch_vary_headers(response, ["HX-Request"])
    return response


# Where a card says whether the person looking supports it: the kept results are the same for
# everybody, so each card carries this mark and the answer fills it in for the person.
SUPPORT_MARK = re.compile(r"<!--supported:(\d+)-->")


def _show_own_supports(request: HttpRequest, response: HttpResponse) -> None:
    """Replace each card's mark with "You support it" where the person does (one query for the
    page's cards), and with nothing elsewhere."""
    content = response.content.decode()
    shown = [int(pk) for pk in SUPPORT_MARK.findall(content)]
    supported = selectors.supported_ids(user=request.user, proposal_ids=shown)
    note = format_html(" · {}", gettext("You support it"))
    response.content = SUPPORT_MARK.sub(
        lambda mark: note if int(mark[1]) in supported else "", content
    )


def detail_context(request: HttpRequest, proposal: Proposal, **extra: Any) -> dict[str, Any]:
    mine = is_author(request.user, proposal)
    open_for_support = (
        proposal.is_published
        and proposal.state in SUPPORT_STATES
        and proposal.support_deadline is not None
        and timezone.now() < proposal.support_deadline
    )
    context = {
        "proposal": proposal,
        "timeline": selectors.timeline(proposal),
        "is_author": mine,
        "can_edit": mine and can_edit_in_place(proposal),
        "can_amend": mine and open_for_support and not can_edit_in_place(proposal),
        "open_for_support": open_for_support,
        "supported": proposal.pk
        in selectors.supported_ids(user=request.user, proposal_ids=[proposal.pk]),
        "amendment_form": AmendmentForm(),
    }
    for part in (comments, review, answers):
        context.update(part.detail_extra(request, proposal))
    context.update(extra)
    return context


@require_safe
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.get_proposal_for(request.user, pk)
    return render(request, "participation/detail.html", detail_context(request, proposal))


@require_safe
def committee_list(request: HttpRequest) -> HttpResponse:
    mine = set(review_selectors.member_committees(user=request.user).values_list("pk", flat=True))
    return render(
        request,
        "participation/committees.html",
        {"committees": selectors.committee_list(), "my_committees": mine},
    )


@require_safe
def committee_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The committee's public page: remit, members, agenda, published recommendations, and what
    other apps register (participation.committee_sections: the events app's meetings and
    minutes); its members get a link to their private workspace."""
    committee = selectors.get_committee(slug=slug)
    return render(
        request,
        "participation/committee.html",
        {
            "committee": committee,
            "agenda": selectors.committee_agenda(committee)[:50],
            "is_member": is_committee_member(request.user, committee),
            "recommendations": review_selectors.published_recommendations(committee=committee)[:20],
            "sections": render_committee_sections(committee, request),
        },
    )
