"""The hub's search page, the header's suggestions, the directory box's suggestions, and city
staff's synonym dictionary."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sharehub.core.audit import describe, history_for
from sharehub.core.filters import page_filters
from sharehub.core.forms import run_service
from sharehub.core.pagecache import when_shown

from . import selectors, services
from .catalog import get_searchable_model
from .forms import SearchForm, SynonymGroupForm
from .models import SynonymGroup
from .permissions import can_edit_synonyms
from .understanding import understanding

SHOWN_PER_KIND = 5
PER_PAGE = 20


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """Autocomplete for htmx: a <ul> of titles; only registered models (404 otherwise)."""
    model = get_searchable_model(request.GET.get("model", ""))
    suggestions = selectors.autocomplete(request.GET.get("q", ""), model=model)
    return render(request, "search/partials/suggestions.html", {"suggestions": suggestions})


@require_GET
def hub_suggest(request: HttpRequest) -> HttpResponse:
    """The header box's suggestions for htmx: items of every kind, each a link, then "search for"."""
    q = request.GET.get("q", "")[:100].strip()
    return render(
        request,
        "search/partials/header_suggestions.html",
        {"q": q, "suggestions": selectors.hub_suggestions(q) if q else []},
    )


# What the results page shows of a search, computed only where it is shown.
RESULTS = ("groups", "shown_groups", "total", "page", "understood")


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    """Every kind's best hits, grouped; with `kind`, that kind's hits page by page."""
    form = page_filters(SearchForm, request.GET)
    applied = form.applied()
    q, kind = applied.get("q", ""), applied.get("kind", "")

    # The index holds only what anybody may see, so the results are a kept fragment, read only
    # where they are shown (pagecache.when_shown).
    @functools.cache
    def found() -> dict[str, Any]:
        groups = selectors.hub_search(q, shown=0) if q else []
        page = None
        if kind:
            chosen = [group for group in groups if group.code == kind]
            if chosen:
                page = Paginator(chosen[0].hits, PER_PAGE).get_page(request.GET.get("page"))
                chosen[0].results = selectors.present(chosen[0].entry, list(page.object_list))
            shown_groups = chosen
        else:
            for group in groups:
                group.results = selectors.present(group.entry, group.hits[:SHOWN_PER_KIND])
            shown_groups = groups
        return {
            "groups": groups,
            "shown_groups": shown_groups,
            "total": sum(group.count for group in groups),
            "page": page,
            "understood": understanding(q) if q else None,
        }

    params = request.GET.copy()
    params.pop("page", None)
    lazy = {name: when_shown(lambda name=name: found()[name]) for name in RESULTS}
    return render(
        request,
        "search/results.html",
        {
            "form": form,
            "q": q,
            "kind": kind,
            **lazy,
            "query": params.urlencode(),
            "shown_per_kind": SHOWN_PER_KIND,
        },
        status=400 if form.errors else 200,
    )


def _require_editor(request: HttpRequest) -> None:
    if not can_edit_synonyms(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def synonyms(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = SynonymGroupForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.create_synonym_group(actor=request.user, **form.service_fields()),
        )
    ):
        messages.success(request, _("The synonyms have been added."))
        return redirect("search:synonyms")
    return render(
        request,
        "search/synonyms.html",
        {"groups": selectors.synonym_groups(), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def synonym_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    group = get_object_or_404(SynonymGroup, pk=pk)
    form = SynonymGroupForm(request.POST or None, instance=SynonymGroup.objects.get(pk=pk))
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.update_synonym_group(
                actor=request.user, group=group, **form.service_fields()
            ),
        )
    ):
        messages.success(request, _("Your changes have been saved."))
        return redirect("search:synonyms")
    return render(
        request,
        "search/synonym_form.html",
        {
            "form": form,
            "group": group,
            "history": [(entry, describe(entry)) for entry in history_for(group)[:20]],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def synonym_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    _require_editor(request)
    group = get_object_or_404(SynonymGroup, pk=pk)
    if request.method == "POST":
        services.delete_synonym_group(actor=request.user, group=group)
        messages.success(request, _("The synonyms have been removed."))
        return redirect("search:synonyms")
    return render(request, "search/synonym_delete.html", {"group": group})
