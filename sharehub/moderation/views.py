"""Moderation pages: the queue (moderators), decisions, reports (any signed-in person), resubmission.

Decisions are plain POST forms that redirect back; with htmx the same endpoints answer with the
updated row from templates/moderation/partials/.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sharehub.accounts.roles import is_moderator
from sharehub.core.forms import run_service
from sharehub.core.pagination import paginate
from sharehub.core.ratelimit import ratelimit_writes

from . import selectors, services
from .forms import DecisionForm, ReportDecision, ReportDecisionForm, ReportForm
from .models import Decision
from .registry import queue_sections, url_of

DONE_MESSAGES = {
    Decision.PUBLISH: gettext_lazy("Published."),
    Decision.REJECT: gettext_lazy("Rejected; the author has been told why."),
    Decision.HIDE: gettext_lazy("Hidden; the author has been told why."),
    Decision.RESTORE: gettext_lazy("Restored."),
    ReportDecision.DISMISS: gettext_lazy("Report dismissed."),
}


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _require_moderator(request: HttpRequest) -> None:
    if not is_moderator(request.user):
        raise PermissionDenied


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _form_error_text(form) -> str:
    return " ".join(str(message) for errors in form.errors.values() for message in errors)


def _parse_int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        raise Http404 from None


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_moderator(request)
    content_type_id = _parse_int(request.GET.get("type"))
    context: dict = {"section": request.GET.get("section", "")}
    if content_type_id is not None:
        model = selectors.registered_model_for(content_type_id)
        context.update(
            model_label=model._meta.verbose_name_plural,
            content_type_id=content_type_id,
            page=paginate(request, selectors.pending_for(model)),
            query=f"type={content_type_id}",
        )
        return render(request, "moderation/queue_pending.html", context)
    if context["section"] == "reports":
        page = paginate(request, selectors.open_reports())
        page.object_list = selectors.attach_targets(list(page.object_list))
        context.update(page=page, query="section=reports")
        return render(request, "moderation/queue_reports.html", context)
    reports = selectors.open_reports()
    context.update(
        sections=selectors.queue_overview(),
        reports=selectors.attach_targets(list(reports[: selectors.QUEUE_SECTION_SIZE])),
        reports_count=reports.count(),
        extra_sections=[
            {"template": template, "data": data()} for template, data in queue_sections()
        ],
    )
    return render(request, "moderation/queue.html", context)


def _answer(
    request: HttpRequest, *, row_template: str, row_context: dict, done: str, error: str
) -> HttpResponse:
    """htmx gets the updated row (errors inline); a plain form post is redirected back with a message."""
    back = _next_url(request, reverse("moderation:queue"))
    if _is_htmx(request):
        context = {
            **row_context,
            "done": done,
            "error": error,
            "reason": request.POST.get("reason", ""),
            "next": back,
        }
        return render(request, row_template, context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(back)


@login_required
@require_POST
def decide(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    _require_moderator(request)
    obj = selectors.get_moderated_object(content_type_id=content_type_id, object_id=object_id)
    form = DecisionForm(request.POST)
    error = done = ""
    if form.is_valid():
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        try:
            if action in (Decision.REJECT, Decision.HIDE):
                getattr(services, action)(actor=request.user, obj=obj, reason=reason)
            else:
                getattr(services, action)(actor=request.user, obj=obj)
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            done = str(DONE_MESSAGES[action])
    else:
        error = _form_error_text(form)
    row = {"item": obj, "content_type_id": content_type_id}
    return _answer(
        request,
        row_template="moderation/partials/item_row.html",
        row_context=row,
        done=done,
        error=error,
    )


@login_required
@require_POST
def decide_report(request: HttpRequest, report_id: int) -> HttpResponse:
    _require_moderator(request)
    report_obj = selectors.attach_targets([selectors.get_report(report_id=report_id)])[0]
    form = ReportDecisionForm(request.POST)
    error = done = ""
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            if action == ReportDecision.DISMISS:
                services.dismiss_report(actor=request.user, report=report_obj)
            elif report_obj.target_object is None:
                raise ValidationError(_("The reported content no longer exists."))
            else:
                services.hide(
                    actor=request.user,
                    obj=report_obj.target_object,
                    reason=form.cleaned_data["reason"],
                )
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            done = str(DONE_MESSAGES[action])
    else:
        error = _form_error_text(form)
    if not error:  # hiding closed the report in the database: show it closed
        report_obj.refresh_from_db(fields=["resolved_at", "resolved_by", "resolution"])
    row = {"report": report_obj}
    return _answer(
        request,
        row_template="moderation/partials/report_row.html",
        row_context=row,
        done=done,
        error=error,
    )


@login_required
@ratelimit_writes("moderation-report", "20/h")
def report(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    obj = selectors.get_reportable_for(
        request.user, content_type_id=content_type_id, object_id=object_id
    )
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        filed = run_service(
            form,
            lambda: services.report(
                actor=request.user,
                obj=obj,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            ),
        )
        if filed is not None:
            messages.success(request, _("Thank you. A moderator will look at your report."))
            return redirect(_next_url(request, url_of(obj) or reverse("core:home")))
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "moderation/report.html",
        {"form": form, "object": obj, "object_url": url_of(obj)},
        status=status,
    )


@login_required
@require_POST
def resubmit(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    obj = selectors.get_moderated_object(content_type_id=content_type_id, object_id=object_id)
    try:
        services.resubmit(actor=request.user, obj=obj)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Submitted again. A moderator will review it."))
    return redirect(_next_url(request, url_of(obj) or reverse("core:home")))
