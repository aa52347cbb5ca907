"""Official statistics: the public list and each official indicator's values; city staff's CSV
import (upload and preview, then confirm) and the editor of an official indicator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from sharehub.core.filters import page_filters
from sharehub.core.forms import run_service
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.opendata.forms_statistics import (
    ConfirmImportForm,
    OfficialIndicatorForm,
    StatisticImportForm,
    StatisticsQueryForm,
)
from sharehub.opendata.models import OfficialIndicator
from sharehub.opendata.permissions import require_runs_open_data, runs_open_data
from sharehub.opendata.selectors import statistics as selectors
from sharehub.opendata.services import statistics as services
from sharehub.places.selectors import district_list

PER_PAGE = 100


@require_safe
def statistics_list(request: HttpRequest) -> HttpResponse:
    """Every official indicator with its definition and its values of the latest period."""
    return render(
        request,
        "opendata/statistics/list.html",
        {
            "indicators": selectors.with_latest_values(selectors.official_indicators()),
            "is_staff": runs_open_data(request.user),
        },
    )


@require_safe
def official_indicator(request: HttpRequest, code: str) -> HttpResponse:
    indicator = selectors.get_official_indicator(code)
    form = page_filters(StatisticsQueryForm, request.GET)
    filters = form.applied()
    values = selectors.values_of(
        indicator,
        start=filters.get("start"),
        end=filters.get("end"),
        district=filters.get("district"),
    )
    return render(
        request,
        "opendata/statistics/indicator.html",
        {
            "indicator": indicator,
            "form": form,
            "districts": district_list(),
            "page": paginate(request, values, per_page=PER_PAGE),
            "query": querystring_without_page(request),
            "is_staff": runs_open_data(request.user),
        },
    )


def _import_page(
    request: HttpRequest,
    *,
    form: StatisticImportForm,
    parsed: services.ParsedStatistics | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "opendata/statistics/import.html",
        {
            "form": form,
            "parsed": parsed,
            "confirm_form": ConfirmImportForm(initial={"token": parsed.token})
            if parsed and parsed.token
            else None,
            "columns": [
                (name, services.KOREAN_HEADERS[name], services.COLUMN_HELP[name])
                for name in services.COLUMNS
            ],
            "indicators": OfficialIndicator.objects.order_by("code"),
            "districts": district_list(),
            "imports": selectors.recent_imports(),
            "max_rows": services.MAX_ROWS,
        },
        status=status,
    )


@never_cache
@login_required
def statistics_import(request: HttpRequest) -> HttpResponse:
    """Step 1: upload; the answer is the preview of every row, with its errors, nothing written."""
    require_runs_open_data(request.user)
    form = StatisticImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _import_page(request, form=form)
    parsed = None
    if form.is_valid():
        parsed = run_service(
            form,
            lambda: services.preview_import(actor=request.user, upload=form.cleaned_data["file"]),
        )
    valid = parsed is not None and parsed.is_valid
    return _import_page(request, form=form, parsed=parsed, status=200 if valid else 400)


@never_cache
@login_required
@require_POST
def statistics_import_confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: write the previewed file, all rows or none, once."""
    require_runs_open_data(request.user)
    form = ConfirmImportForm(request.POST)
    record = None
    if form.is_valid():
        record = run_service(
            form,
            lambda: services.confirm_import(actor=request.user, token=form.cleaned_data["token"]),
        )
    if record is None:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("opendata:statistics_import")
    messages.success(
        request,
        ngettext(
            "%(count)d value has been imported (%(created)d new, %(updated)d replaced).",
            "%(count)d values have been imported (%(created)d new, %(updated)d replaced).",
            record.rows,
        )
        % {"count": record.rows, "created": record.created, "updated": record.updated},
    )
    return redirect("opendata:statistics_import")


def _indicator_form(request: HttpRequest, indicator: OfficialIndicator | None) -> HttpResponse:
    require_runs_open_data(request.user)
    form = OfficialIndicatorForm(
        request.POST or None,
        instance=OfficialIndicator.objects.get(pk=indicator.pk) if indicator else None,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            saved := run_service(
                form,
                lambda: services.save_official_indicator(
                    actor=request.user,
                    indicator=indicator,
                    **{name: form.cleaned_data[name] for name in services.INDICATOR_FIELDS},
                ),
            )
        )
    ):
        messages.success(request, _("The official indicator has been saved."))
        return redirect("opendata:official_indicator", code=saved.code)
    return render(
        request,
        "opendata/statistics/indicator_form.html",
        {"form": form, "indicator": indicator},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
def official_indicator_create(request: HttpRequest) -> HttpResponse:
    return _indicator_form(request, None)


@never_cache
@login_required
def official_indicator_edit(request: HttpRequest, code: str) -> HttpResponse:
    require_runs_open_data(request.user)
    return _indicator_form(request, selectors.get_official_indicator(code))


urlpatterns: list[URLPattern] = [
    path("statistics/", statistics_list, name="statistics"),
    path("statistics/import/", statistics_import, name="statistics_import"),
    path(
        "statistics/import/confirm/",
        statistics_import_confirm,
        name="statistics_import_confirm",
    ),
    path("statistics/new/", official_indicator_create, name="official_indicator_create"),
    path("statistics/<slug:code>/", official_indicator, name="official_indicator"),
    path("statistics/<slug:code>/edit/", official_indicator_edit, name="official_indicator_edit"),
]
