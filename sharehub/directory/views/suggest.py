"""The public's suggestions: a missing organization or service, a correction."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sharehub.core.forms import run_service
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.directory import selectors
from sharehub.directory.forms import (
    CorrectionSuggestionForm,
    NewListingSuggestionForm,
    NewServiceSuggestionForm,
)
from sharehub.directory.models import Listing, SuggestionKind
from sharehub.directory.suggestions import submit_suggestion

SUGGESTION_FORMS: dict[str, type[forms.Form]] = {
    SuggestionKind.NEW_SERVICE: NewServiceSuggestionForm,
    SuggestionKind.CORRECTION: CorrectionSuggestionForm,
}


def _suggest(
    request: HttpRequest, *, kind: str, form_class: type[forms.Form], listing: Listing | None
) -> HttpResponse:
    form = form_class(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            suggestion := run_service(
                form,
                lambda: submit_suggestion(
                    actor=request.user,
                    kind=kind,
                    listing=listing,
                    values=form.values(),  # type: ignore[attr-defined]
                    message=form.cleaned_data["message"],
                ),
            )
        )
    ):
        messages.success(request, _("Thank you. A moderator will review your suggestion."))
        return redirect(suggestion)
    return render(
        request,
        "directory/suggest.html",
        {"form": form, "listing": listing, "kind_label": SuggestionKind(kind).label},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@ratelimit_writes("directory-suggest", "20/h")
def suggest_listing(request: HttpRequest) -> HttpResponse:
    return _suggest(
        request, kind=SuggestionKind.NEW_LISTING, form_class=NewListingSuggestionForm, listing=None
    )


@login_required
@ratelimit_writes("directory-suggest", "20/h")
def suggest_for_listing(request: HttpRequest, slug: str) -> HttpResponse:
    listing = selectors.get_listing_for(request.user, slug)
    kind = request.GET.get("kind", SuggestionKind.CORRECTION)
    if kind not in SUGGESTION_FORMS:
        raise Http404
    return _suggest(request, kind=kind, form_class=SUGGESTION_FORMS[kind], listing=listing)


@login_required
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = selectors.get_suggestion_for(request.user, pk)
    return render(
        request,
        "directory/suggestion.html",
        {"suggestion": suggestion, "values": sorted(suggestion.payload.items())},
    )
