"""Support programmes: the reports part's pages (see views/parts.py for the shared pages' hooks).

The awarded organization's members send a report on its page; the call's staff review it there
and list the reports waiting for them at manage/reports/."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sharehub.core.audit import history_for
from sharehub.core.forms import run_action, run_service
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.core.uploads import content_type_for, private_file_response
from sharehub.programmes.forms_reports import ReportFilterForm, ReportForm, ReportReviewForm
from sharehub.programmes.models import Application, Report
from sharehub.programmes.permissions import is_call_staff, is_member, runs_any_call
from sharehub.programmes.selectors import reports as selectors
from sharehub.programmes.services import reports as services

# The report's history in words (the audit entries the services write).
HISTORY = {
    "programmes.report_submitted": gettext_lazy("Report sent"),
    "programmes.report_resubmitted": gettext_lazy("Report sent again"),
    "programmes.report_accepted": gettext_lazy("Report accepted"),
    "programmes.report_changes_requested": gettext_lazy("Changes requested"),
    "programmes.report_reminded_due_soon": gettext_lazy("Reminder sent before the due date"),
    "programmes.report_reminded_overdue": gettext_lazy("Reminder sent: overdue"),
}


def _report_page(
    request: HttpRequest, report: Report, *, form: ReportForm | None = None, status: int = 200
) -> HttpResponse:
    application = report.award.application
    can_submit = selectors.can_submit(request.user, report)
    history = list(history_for(report)[:50])
    return render(
        request,
        "programmes/reports/report.html",
        {
            "report": report,
            "award": report.award,
            "application": application,
            "call": report.award.call,
            "overdue": selectors.is_overdue(report),
            "can_submit": can_submit,
            "can_review": selectors.can_review(request.user, report),
            "is_staff": is_call_staff(request.user, report.award.call),
            "form": form
            or (
                ReportForm(initial={"body": report.body, "spent": report.spent})
                if can_submit
                else None
            ),
            "review_form": ReportReviewForm(),
            "history": [(entry, HISTORY.get(entry.action, entry.action)) for entry in history],
        },
        status=status,
    )


@login_required
@ratelimit_writes("programmes-report", "30/h")
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for(request.user, pk)
    if request.method != "POST":
        return _report_page(request, report)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid() and run_service(
        form,
        lambda: services.submit_report(
            actor=request.user,
            report=report,
            body=form.cleaned_data["body"],
            spent=form.cleaned_data["spent"],
            upload=form.cleaned_data["file"],
        ),
    ):
        messages.success(request, _("The report has been sent to the call's staff."))
        return redirect("programmes:report", pk=report.pk)
    return _report_page(request, report, form=form, status=400)


@login_required
def report_file(request: HttpRequest, pk: int) -> FileResponse:
    report = selectors.get_report_for(request.user, pk)
    if not report.file:
        raise Http404
    return private_file_response(
        report.file,
        filename=report.original_name or report.file.name.rsplit("/", 1)[-1],
        content_type=content_type_for(report.original_name or report.file.name),
    )


@login_required
@require_POST
@ratelimit_writes("programmes-report-review", "60/h")
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for(request.user, pk)
    if not is_call_staff(request.user, report.award.call):
        raise PermissionDenied
    form = ReportReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept the report or to ask for changes."))
    elif form.cleaned_data["decision"] == "accept":
        run_action(
            request,
            services.accept_report,
            _("The report has been accepted."),
            report=report,
            note=form.cleaned_data["note"],
        )
    else:
        run_action(
            request,
            services.request_report_changes,
            _("The report has been sent back to the organization."),
            report=report,
            reason=form.cleaned_data["note"],
        )
    return redirect("programmes:report", pk=report.pk)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    if not runs_any_call(request.user):
        raise PermissionDenied
    form = ReportFilterForm(request.GET or None)
    state = "review"
    if form.is_bound and form.is_valid():
        state = form.cleaned_data["state"] or "review"
    return render(
        request,
        "programmes/reports/list.html",
        {
            "form": form if form.is_bound else ReportFilterForm(initial={"state": state}),
            "state": state,
            "page": paginate(request, selectors.staff_reports(request.user, state=state)),
            "query": querystring_without_page(request),
            "to_review": selectors.to_review_count(request.user),
            "overdue_total": selectors.overdue_count(request.user),
            "today": timezone.localdate(),
        },
    )


def application_extra(request: HttpRequest, application: Application) -> dict[str, Any]:
    """The award's reports on the application's page (members submit, the call's staff review)."""
    if application.status != "awarded":
        return {}
    reports = selectors.reports_of_application(application)
    if not reports:
        return {}
    member = is_member(request.user, application.organization)
    staff = is_call_staff(request.user, application.call)
    if not (member or staff):
        return {}  # a reviewer sees the application, not the award's reports
    return {
        "application_reports": {
            "reports": [
                {
                    "report": report,
                    "url": reverse("programmes:report", kwargs={"pk": report.pk}),
                    "overdue": selectors.is_overdue(report),
                    "submit": member and report.status in selectors.OWED,
                    "review": staff and report.status == "submitted",
                }
                for report in reports
            ],
        }
    }


urlpatterns = [
    path("reports/<int:pk>/", report_detail, name="report"),
    path("reports/<int:pk>/file/", report_file, name="report_file"),
    path("reports/<int:pk>/review/", report_review, name="report_review"),
    path("manage/reports/", report_list, name="reports"),
]
slug_urlpatterns: list = []  # routes under a call's <slug:slug>/ (after every fixed prefix)
