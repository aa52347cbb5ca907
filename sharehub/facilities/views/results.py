"""facilities pages: utilisation and the monthly operating results (published; they feed the
open-data indicators).

- `results/`: the public "Operating results" of a published month, by district and by space;
- `results/csv/`: the same month as CSV (UTF-8 with a BOM, or `?encoding=cp949`);
- `results/current/`: the month under way for the spaces a person runs (staff; never published);
- the hooks: a space's last published months on its page, the month so far on its calendar, a
  link from the staff's queue.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_safe

from sharehub.core.csvexport import csv_response, encoding_from
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.facilities import rules
from sharehub.facilities.models import Space
from sharehub.facilities.selectors import results as selectors
from sharehub.facilities.selectors import staffed_spaces

PER_PAGE = 50


def month_label(month: date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


class MonthForm(forms.Form):
    """The month selector: the published months, newest first."""

    month = forms.ChoiceField(label=gettext_lazy("Month"))

    def __init__(self, data: Any, *, months: list[date]) -> None:
        super().__init__(data)
        self.fields["month"].choices = [(m.strftime("%Y-%m"), month_label(m)) for m in months]


def _chosen_month(request: HttpRequest, months: list[date]) -> tuple[MonthForm, date | None]:
    """The month asked for (the latest published by default) and the selector showing it."""
    asked = request.GET.get("month", "")
    month = selectors.parse_month(asked) if asked else (months[0] if months else None)
    form = MonthForm({"month": month.strftime("%Y-%m") if month else ""}, months=months)
    if month not in months:
        return form, None
    return form, month


@require_safe
def results_page(request: HttpRequest) -> HttpResponse:
    months = selectors.published_months()
    form, month = _chosen_month(request, months)
    context: dict[str, Any] = {"form": form, "month": month, "months": months}
    if month is not None:
        page = paginate(request, selectors.space_results(month), per_page=PER_PAGE)
        context |= {
            "month_label": month_label(month),
            "city": selectors.city_total(month),
            "districts": selectors.district_results(month),
            "page": page,
            "space_rows": selectors.rows(page.object_list),
            "query": querystring_without_page(request),
        }
    # An unknown or unfinished month is not found (it is never published), with the selector.
    status = 404 if month is None and request.GET.get("month") else 200
    return render(request, "facilities/results/results.html", context, status=status)


def csv_header() -> list[str]:
    return [
        _("Month"),
        _("District"),
        _("Address name"),
        _("Space"),
        _("Uses"),
        pgettext("number of people", "People"),
        _("Hours booked"),
        _("Hours open"),
        _("Hours open in the evening or at weekends"),
        _("Utilisation (%)"),
        _("Evening and weekend share (%)"),
        _("No-shows"),
        _("Cancellations"),
        _("Fees collected (won)"),
    ]


@require_safe
def results_csv(request: HttpRequest) -> HttpResponse:
    """A published month's results, space by space: UTF-8 with a BOM (Korean Excel reads it) or
    `?encoding=cp949` for older Korean Excel."""
    try:
        encoding = encoding_from(request.GET)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=422, content_type="text/plain")
    months = selectors.published_months()
    _form, month = _chosen_month(request, months)
    if month is None:
        message = _("There are no published results for this month.")
        return HttpResponse(message, status=404, content_type="text/plain; charset=utf-8")
    rows = selectors.results_csv_rows(month, header=csv_header())
    filename = f"space-results-{month:%Y-%m}{'-cp949' if encoding == 'cp949' else ''}.csv"
    response = csv_response(rows, filename=filename, encoding=encoding)
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
@login_required
def results_live(request: HttpRequest) -> HttpResponse:
    """The month under way for the spaces this person runs: staff only, never published."""
    if not staffed_spaces(request.user).exists():
        raise PermissionDenied
    now = timezone.now()
    return render(
        request,
        "facilities/results/live.html",
        {
            "live": selectors.live_figures(request.user, now=now),
            "month_label": month_label(rules.local(now).date()),
            "now": now,
        },
    )


urlpatterns: list[URLPattern] = [
    path("results/", results_page, name="results"),
    path("results/csv/", results_csv, name="results_csv"),
    path("results/current/", results_live, name="results_live"),
]


# --- The shared pages' hooks (views/parts.py) ---------------------------------------------------


def detail_extra(request: HttpRequest, space: Space) -> dict[str, Any]:
    return {"recent_results": selectors.recent_results(space)}


def calendar_extra(request: HttpRequest, space: Space) -> dict[str, Any]:
    """The calendar is for the space's staff already (manage._staffed)."""
    now = timezone.now()
    return {
        "live_results": selectors.space_live_figures(space, now=now),
        "live_month_label": month_label(rules.local(now).date()),
    }
