"""The public register of designations (page and CSV), each designation's page, its certificate
(for the organization's members and city staff) and the certificate's public verification."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from sharehub.core.csvexport import csv_response, encoding_from
from sharehub.core.filters import page_filters
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.core.ratelimit import client_key, hit
from sharehub.designation import selectors
from sharehub.designation.certificate import certificate_filename, certificate_pdf
from sharehub.designation.forms import DesignationFilterForm, ReasonForm, VerifyForm
from sharehub.designation.history import described
from sharehub.designation.permissions import (
    can_decide,
    can_see_designation_internals,
    can_submit_report,
)

VERIFY_RATE = "30/m"


def _register_query(request: HttpRequest) -> tuple[DesignationFilterForm, dict]:
    filters = page_filters(DesignationFilterForm, request.GET)
    applied = filters.applied()
    return filters, {
        "q": applied.get("q", ""),
        "kind": applied.get("kind", ""),
        "status": applied.get("status", ""),
    }


def register(request: HttpRequest) -> HttpResponse:
    filters, query = _register_query(request)
    designations = selectors.public_designations(**query)
    return render(
        request,
        "designation/register.html",
        {
            "filters": filters,
            "page": paginate(request, designations),
            "query": querystring_without_page(request),
            "csv_query": request.GET.urlencode(),
            "verify_form": VerifyForm(),
        },
    )


def register_csv(request: HttpRequest) -> HttpResponse:
    """Anyone may download the register: its public fields only, UTF-8 with a BOM (Korean Excel)
    or `?encoding=cp949`; the page's filters apply."""
    try:
        encoding = encoding_from(request.GET)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=422, content_type="text/plain")
    _filters, query = _register_query(request)
    rows = selectors.register_csv_rows(
        selectors.public_designations(**query), site_url=settings.SHAREHUB_SITE_URL
    )
    filename = f"designations-{timezone.localdate().isoformat()}.csv"
    response = csv_response(rows, filename=filename, encoding=encoding)
    response["Cache-Control"] = "public, max-age=300"
    return response


def verify(request: HttpRequest) -> HttpResponse:
    """Enter a certificate's code: the page shows its designation as the register holds it now,
    or says the code is not valid. Limited per client so codes cannot be tried in bulk."""
    form = VerifyForm(request.GET or None)
    designation = None
    checked = False
    limited = False
    if form.is_bound and form.is_valid():
        if hit("designation-verify", client_key(request), VERIFY_RATE):
            checked = True
            designation = selectors.verify_code(form.cleaned_data["code"])
        else:
            limited = True
    return render(
        request,
        "designation/verify.html",
        {
            "form": form,
            "checked": checked,
            "designation": designation,
            "limited": limited,
            "effective_status": designation.effective_status() if designation else "",
        },
        status=429 if limited else 200,
    )


def designation_detail(request: HttpRequest, number: str) -> HttpResponse:
    designation = selectors.get_designation(number)
    insider = can_see_designation_internals(request.user, designation.organization_id)
    return render(
        request,
        "designation/detail.html",
        {
            "designation": designation,
            "effective_status": designation.effective_status(),
            "can_decide": can_decide(request.user),
            "insider": insider,
            "reports": list(selectors.reports_of(designation)) if insider else [],
            "can_report": can_submit_report(request.user, designation.organization),
            "reason_form": ReasonForm(),
            "history": described(selectors.history(designation)),
        },
    )


def certificate(request: HttpRequest, number: str) -> HttpResponse:
    """The certificate PDF, for the organization's members and city staff (404 for others)."""
    designation = selectors.get_designation_for_certificate(request.user, number)
    response = HttpResponse(certificate_pdf(designation), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate_filename(designation)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
