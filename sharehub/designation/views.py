"""Designation pages: thin views that parse, call one service or selector, and render.

Applicants (owners and editors) work on /applications/…; city staff review on /review/…; the
register of designated organizations and each designation's page are public.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sharehub.core.forms import apply_errors
from sharehub.core.pagination import paginate, querystring_without_page
from sharehub.core.ratelimit import ratelimit_writes
from sharehub.core.uploads import private_file_response
from sharehub.organizations.selectors import get_organization_for

from . import selectors, services
from .documents import ACCEPT_ATTRIBUTE
from .forms import (
    ApplicationForm,
    ApproveForm,
    ChecklistForm,
    CommentForm,
    DocumentForm,
    QueueFilterForm,
    ReasonForm,
)
from .history import described
from .models import ApplicationStatus, ChecklistItem
from .permissions import can_apply, can_decide, is_applicant_for


def _errors_to_messages(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _run(request: HttpRequest, action: Callable, success: str, **kwargs) -> bool:
    """Call a service; a rule it refuses becomes an error message on the page."""
    try:
        action(actor=request.user, **kwargs)
    except ValidationError as error:
        _errors_to_messages(request, error)
        return False
    messages.success(request, success)
    return True


def _require_staff(request: HttpRequest) -> None:
    if not can_decide(request.user):
        raise PermissionDenied


# --- public -------------------------------------------------------------------------------


def register(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "designation/register.html",
        {
            "page": paginate(request, selectors.designated_organizations()),
            "query": querystring_without_page(request),
        },
    )


def designation_detail(request: HttpRequest, number: str) -> HttpResponse:
    designation = selectors.get_designation(number)
    return render(
        request,
        "designation/detail.html",
        {
            "designation": designation,
            "effective_status": designation.effective_status(),
            "can_decide": can_decide(request.user),
            "reason_form": ReasonForm(),
            "history": described(selectors.history(designation)),
        },
    )


# --- applicants ---------------------------------------------------------------------------


@login_required
@ratelimit_writes("designation-apply", "20/h")
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_organization_for(request.user, slug)
    if not can_apply(request.user, organization):
        raise PermissionDenied
    existing = selectors.open_application_of(organization)
    if existing is not None:
        return redirect(existing)
    current = selectors.current_designation_of(organization)
    form = ApplicationForm(
        request.POST or None, initial={"kind": current.kind if current else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.create_application(
                actor=request.user, organization=organization, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Your application is saved as a draft. Attach documents, then submit it."),
            )
            return redirect(application)
    return render(
        request,
        "designation/apply.html",
        {"organization": organization, "form": form, "current": current},
        status=400 if form.is_bound else 200,
    )


def _application_page(
    request: HttpRequest, application, *, form=None, document_form=None, status: int = 200
) -> HttpResponse:
    applicant = is_applicant_for(request.user, application.organization_id)
    editable = applicant and application.is_editable
    return render(
        request,
        "designation/application.html",
        {
            "application": application,
            "organization": application.organization,
            "applicant": applicant,
            "editable": editable,
            "staff": can_decide(request.user),
            "form": form
            or ApplicationForm(
                initial={
                    "kind": application.kind,
                    "activities": application.activities,
                    "plan": application.plan,
                }
            ),
            "document_form": document_form or DocumentForm(),
            "accept": ACCEPT_ATTRIBUTE,
            "documents": application.documents.all(),
            "comments": selectors.comments_for(actor=request.user, application=application),
            "comment_form": CommentForm(),
            "can_comment": application.status != ApplicationStatus.DRAFT,
            "history": described(selectors.history(application)),
        },
        status=status,
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _application_page(request, selectors.get_application_for(request.user, pk))


@login_required
@require_POST
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk)
    form = ApplicationForm(request.POST)
    if form.is_valid():
        try:
            services.update_application(
                actor=request.user, application=application, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect(application)
    return _application_page(request, application, form=form, status=400)


@login_required
@require_POST
@ratelimit_writes("designation-upload", "60/h")
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_document(
                actor=request.user, application=application, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The document has been attached."))
            return redirect(application)
    return _application_page(request, application, document_form=form, status=400)


@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """Documents are private: served here after the permission check, never from MEDIA_URL."""
    document = selectors.get_document_for(request.user, pk)
    return private_file_response(
        document.file, filename=document.original_name, content_type=document.content_type
    )


@login_required
@require_POST
def document_remove(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.get_document_for(request.user, pk)
    _run(request, services.remove_document, _("The document has been removed."), document=document)
    return redirect(document.application)


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk)
    _run(
        request,
        services.submit_application,
        _("The application has been sent to city staff."),
        application=application,
    )
    return redirect(application)


@login_required
@require_POST
def application_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk)
    _run(
        request,
        services.resubmit_application,
        _("The application has been sent again."),
        application=application,
    )
    return redirect(application)


@login_required
@require_POST
@ratelimit_writes("designation-comment", "60/h")
def application_comment(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    else:
        _run(
            request,
            services.add_comment,
            _("Your comment has been added."),
            application=application,
            body=form.cleaned_data["body"],
            internal=form.cleaned_data["internal"],
        )
    if can_decide(request.user):
        return redirect("designation:review", pk=application.pk)
    return redirect(application)


# --- city staff ---------------------------------------------------------------------------


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    filters = QueueFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    return render(
        request,
        "designation/queue.html",
        {
            "filters": filters,
            "page": paginate(request, selectors.review_queue(status=status)),
            "query": querystring_without_page(request),
        },
    )


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    application = selectors.get_application_for(request.user, pk)
    return render(
        request,
        "designation/review.html",
        {
            "application": application,
            "organization": application.organization,
            "documents": application.documents.all(),
            "comments": selectors.comments_for(actor=request.user, application=application),
            "comment_form": CommentForm(),
            "reason_form": ReasonForm(),
            "approve_form": ApproveForm(),
            "checklist_form": ChecklistForm(
                initial={
                    "items": [
                        value for value, _label, checked in application.checklist_items() if checked
                    ]
                }
            ),
            "history": described(selectors.history(application)),
            "designations": selectors.designations_of(application.organization),
        },
    )


def _staff_action(
    request: HttpRequest, pk: int, action: Callable, success: str, form_class=None, **kwargs
) -> HttpResponse:
    _require_staff(request)
    application = selectors.get_application_for(request.user, pk)
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
            return redirect("designation:review", pk=pk)
        kwargs.update(form.cleaned_data)
    _run(request, action, success, application=application, **kwargs)
    return redirect("designation:review", pk=pk)


@login_required
@require_POST
def review_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(request, pk, services.start_review, _("The review has started."))


@login_required
@require_POST
def review_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    form = ChecklistForm(request.POST)
    checked = set(form.cleaned_data["items"]) if form.is_valid() else set()
    return _staff_action(
        request,
        pk,
        services.set_checklist,
        _("The checklist has been saved."),
        checked={item: item in checked for item in ChecklistItem.values},
    )


@login_required
@require_POST
def review_request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(
        request,
        pk,
        services.request_changes,
        _("The application has been sent back to the applicant."),
        ReasonForm,
    )


@login_required
@require_POST
def review_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(
        request,
        pk,
        services.reject_application,
        _("The application has been rejected."),
        ReasonForm,
    )


@login_required
@require_POST
def review_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(
        request,
        pk,
        services.approve_application,
        _("The organization has been designated."),
        ApproveForm,
    )


def _designation_action(
    request: HttpRequest, number: str, action: Callable, success: str
) -> HttpResponse:
    _require_staff(request)
    designation = selectors.get_designation(number)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
    else:
        _run(request, action, success, designation=designation, reason=form.cleaned_data["reason"])
    return redirect(designation)


@login_required
@require_POST
def designation_suspend(request: HttpRequest, number: str) -> HttpResponse:
    return _designation_action(
        request, number, services.suspend_designation, _("The designation is suspended.")
    )


@login_required
@require_POST
def designation_reinstate(request: HttpRequest, number: str) -> HttpResponse:
    return _designation_action(
        request, number, services.reinstate_designation, _("The designation is active again.")
    )


@login_required
@require_POST
def designation_revoke(request: HttpRequest, number: str) -> HttpResponse:
    return _designation_action(
        request, number, services.revoke_designation, _("The designation is revoked.")
    )
