"""Annual activity reports: the organization's owners send them, city staff review them; members
of the organization and city staff read them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sharehub.core.audit import history_for
from sharehub.core.forms import run_service
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.core.uploads import private_file_response
from sharehub.designation import selectors, services
from sharehub.designation.forms import ReasonForm, ReportForm, ReportReviewForm
from sharehub.designation.history import described
from sharehub.designation.models import AnnualReport
from sharehub.designation.permissions import can_decide, can_submit_report

from .common import form_errors_message, require_staff, run_action


def report_page(
    request: HttpRequest, report: AnnualReport, *, form: ReportForm | None = None, status: int = 200
) -> HttpResponse:
    designation = report.designation
    can_send = can_submit_report(request.user, designation.organization) and report.is_open
    return render(
        request,
        "designation/report.html",
        {
            "report": report,
            "designation": designation,
            "organization": designation.organization,
            "can_send": can_send,
            "staff": can_decide(request.user),
            "form": form
            or ReportForm(
                initial={"summary": report.summary, "beneficiaries": report.beneficiaries}
            ),
            "review_form": ReportReviewForm(),
            "reason_form": ReasonForm(),
            "history": described(list(history_for(report)[:50])),
        },
        status=status,
    )


@login_required
@ratelimit_writes("designation-report", "30/h")
def report_detail(request: HttpRequest, number: str, year: int) -> HttpResponse:
    report = selectors.get_report_for(request.user, number, year)
    if request.method != "POST":
        return report_page(request, report)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid() and run_service(
        form,
        lambda: services.submit_report(
            actor=request.user,
            report=report,
            summary=form.cleaned_data["summary"],
            beneficiaries=form.cleaned_data["beneficiaries"],
            upload=form.cleaned_data["file"],
        ),
    ):
        messages.success(request, _("The activity report has been sent to city staff."))
        return redirect(report)
    return report_page(request, report, form=form, status=400)


@login_required
def report_document(request: HttpRequest, pk: int) -> FileResponse:
    report = selectors.get_report_by_id_for(request.user, pk)
    if not report.document:
        raise Http404
    return private_file_response(
        report.document, filename=report.document_name, content_type=report.document_type
    )


@login_required
@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    report = selectors.get_report_by_id_for(request.user, pk)
    form = ReportReviewForm(request.POST)
    if not form.is_valid():
        form_errors_message(request, form)
    else:
        run_action(
            request,
            services.accept_report,
            _("The report has been accepted."),
            report=report,
            note=form.cleaned_data["note"],
        )
    return redirect(report)


@login_required
@require_POST
def report_request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    report = selectors.get_report_by_id_for(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        form_errors_message(request, form)
    else:
        run_action(
            request,
            services.request_report_changes,
            _("The report has been sent back to the organization."),
            report=report,
            reason=form.cleaned_data["reason"],
        )
    return redirect(report)


@login_required
def reports_queue(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    return render(
        request,
        "designation/reports_queue.html",
        {
            "page": paginate(request, selectors.reports_to_review()),
            "query": querystring_without_page(request),
            "overdue": selectors.overdue_reports()[:50],
        },
    )
