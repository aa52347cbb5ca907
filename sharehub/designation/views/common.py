"""What the designation views share: a step whose refusal becomes a message, the staff check,
and the application page (shown again with a form's errors)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from sharehub.core.forms import run_action  # noqa: F401  (the views of this package import it from here)
from sharehub.designation import selectors
from sharehub.designation.documents import ACCEPT_ATTRIBUTE
from sharehub.designation.forms import ApplicationForm, CommentForm, DocumentForm
from sharehub.designation.history import described
from sharehub.designation.models import Application, ApplicationStatus
from sharehub.designation.permissions import can_decide, is_applicant_for
from sharehub.designation.rules import submission_problems
from sharehub.designation.services import APPLICATION_FIELDS


def form_errors_message(request: HttpRequest, form: forms.Form) -> None:
    messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))


def require_staff(request: HttpRequest) -> None:
    if not can_decide(request.user):
        raise PermissionDenied


def application_form(application: Application, data: Any = None) -> ApplicationForm:
    """The application's form, bound to `data` or filled with what the application holds."""
    initial = {field: getattr(application, field) for field in APPLICATION_FIELDS}
    return ApplicationForm(data, initial=initial, organization=application.organization)


def document_checklist(application: Application, documents: list) -> list[tuple[str, bool]]:
    """(document type label, attached) for each document the applicant's type requires."""
    present = {document.document_type for document in documents}
    return [(str(kind.label), kind in present) for kind in application.required_documents()]


def application_page(
    request: HttpRequest,
    application: Application,
    *,
    form: ApplicationForm | None = None,
    document_form: DocumentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    applicant = is_applicant_for(request.user, application.organization_id)
    editable = applicant and application.is_editable
    documents = list(application.documents.all())
    problems = submission_problems(application, timezone.localdate()) if editable else {}
    return render(
        request,
        "designation/application.html",
        {
            "application": application,
            "organization": application.organization,
            "applicant": applicant,
            "editable": editable,
            "staff": can_decide(request.user),
            "form": form or application_form(application),
            "document_form": document_form or DocumentForm(),
            "accept": ACCEPT_ATTRIBUTE,
            "documents": documents,
            "document_checklist": document_checklist(application, documents),
            "problems": [message for messages in problems.values() for message in messages],
            "progress": selectors.stage_progress(application)
            if application.status != ApplicationStatus.DRAFT
            else [],
            "comments": selectors.comments_for(actor=request.user, application=application),
            "comment_form": CommentForm(),
            "can_comment": application.status != ApplicationStatus.DRAFT,
            "history": described(selectors.history(application, staff=can_decide(request.user))),
        },
        status=status,
    )
