from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .catalog import get_searchable_model
from .selectors import autocomplete


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """Autocomplete for htmx: a <ul> of titles; only registered models (404 otherwise)."""
    model = get_searchable_model(request.GET.get("model", ""))
    suggestions = autocomplete(request.GET.get("q", ""), model=model)
    return render(request, "search/partials/suggestions.html", {"suggestions": suggestions})
