"""Support programmes: the applicant's pages — apply, fill in (with autosave), submit, withdraw,
an application's page (shared with staff and reviewers: views/parts.py), its files and "My
applications" (see views/parts.py for the shared pages' hooks)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sharehub.core.api_errors import validation_errors
from sharehub.core.forms import apply_errors, run_service
from sharehub.core.pagination import paginate
from sharehub.core.ratelimit import RateLimited, check, ratelimit_writes
from sharehub.core.uploads import private_file_response
from sharehub.programmes import rules
from sharehub.programmes.forms_applications import (
    ApplicationForm,
    ApplyForm,
    WithdrawForm,
    application_form,
    choice_options,
)
from sharehub.programmes.models import Application, ApplicationStatus, Call, FieldKind
from sharehub.programmes.permissions import (
    belongs_to_an_organization,
    can_edit_application,
    is_member,
)
from sharehub.programmes.selectors import applications as selectors
from sharehub.programmes.selectors import get_application_for, get_call_for
from sharehub.programmes.services import applications as services
from sharehub.programmes.views import parts

APPLY_RATE = "30/h"
SAVE_RATE = "120/h"
AUTOSAVE_RATE = "60/m"
PER_PAGE = 20


def _step_labels() -> list[tuple[str, str]]:
    return [
        ("draft", pgettext("application step", "Draft")),
        ("submitted", pgettext("application step", "Submitted")),
        ("screening", pgettext("application step", "Eligibility screening")),
        ("review", pgettext("application step", "Review")),
        ("committee", pgettext("application step", "Committee")),
        ("decision", pgettext("application step", "Decision")),
    ]


# Where each status stands on the step indicator (a submitted application awaits screening).
_CURRENT_STEP = {
    ApplicationStatus.DRAFT: 0,
    ApplicationStatus.SUBMITTED: 2,
    ApplicationStatus.INELIGIBLE: 2,
    ApplicationStatus.IN_REVIEW: 3,
    ApplicationStatus.COMMITTEE: 4,
    ApplicationStatus.AWARDED: 5,
    ApplicationStatus.WAITLISTED: 5,
    ApplicationStatus.REJECTED: 5,
}


def steps(application: Application) -> list[tuple[str, str]]:
    """(label, "done" | "current" | "todo") for each step; none for a withdrawn application."""
    found = _CURRENT_STEP.get(application.status)
    if found is None:
        return []
    current: int = found
    final = application.status in (
        ApplicationStatus.AWARDED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.REJECTED,
    )

    def state(index: int) -> str:
        if index < current or (final and index == current):
            return "done"
        return "current" if index == current else "todo"

    return [(label, state(i)) for i, (_code, label) in enumerate(_step_labels())]


def _shown_answer(question: Any, value: Any) -> str:
    if value in (None, ""):
        return ""
    if question.kind == FieldKind.MONEY and isinstance(value, int):
        return f"₩{value:,}"
    if question.kind == FieldKind.CHOICE:
        return dict(choice_options(question)).get(str(value), str(value))
    if question.kind == FieldKind.DATE:
        try:
            return formats.date_format(date.fromisoformat(str(value)), "DATE_FORMAT")
        except ValueError:
            return str(value)
    return str(value)


def _answers(application: Application, questions: list, files: dict) -> list[dict[str, Any]]:
    stored = application.answers or {}
    return [
        {
            "question": question,
            "value": _shown_answer(question, stored.get(question.key)),
            "file": files.get(question.key) if question.kind == FieldKind.FILE else None,
        }
        for question in questions
    ]


# --- apply ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@ratelimit_writes("programmes.apply", APPLY_RATE)
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    call = get_call_for(request.user, slug)
    organizations = list(selectors.organizations_of(request.user))
    live = {
        a.organization_id: a
        for a in selectors.call_applications_of(request.user, call)
        if a.status != ApplicationStatus.WITHDRAWN
    }
    choices = [
        {
            "organization": organization,
            "application": live.get(organization.pk),
            "problems": []
            if organization.pk in live
            else rules.eligibility_problems(call, organization),
        }
        for organization in organizations
    ]
    can_choose = [
        c["organization"].pk for c in choices if not c["application"] and not c["problems"]
    ]
    form = ApplyForm(
        request.POST or None,
        organizations=selectors.organizations_of(request.user),
        tracks=selectors.tracks_of(call),
        initial={"organization": can_choose[0] if can_choose else None},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            application := run_service(
                form,
                lambda: services.create_application(
                    actor=request.user,
                    call=call,
                    organization=form.cleaned_data["organization"],
                    track=form.cleaned_data["track"],
                    title=form.cleaned_data["title"],
                    requested_amount=form.cleaned_data["requested_amount"],
                ),
            )
        )
    ):
        messages.success(request, _("Your draft is saved. Fill in the application and submit it."))
        return redirect("programmes:edit", pk=application.pk)
    context = {
        "call": call,
        "form": form,
        "choices": choices,
        "can_apply": call.is_open and bool(can_choose),
        "organizations": organizations,
    }
    return render(
        request, "programmes/applications/apply.html", context, status=422 if form.errors else 200
    )


# --- edit, autosave, submit -------------------------------------------------------------------


def _editable_application(request: HttpRequest, pk: int) -> Application:
    application = get_application_for(request.user, pk)
    if not can_edit_application(request.user, application):
        raise PermissionDenied(_("Only the organization's members may change its application."))
    return application


def _changes(form: ApplicationForm, *, with_files: bool = True) -> services.ApplicationChanges:
    data = form.cleaned_data
    return services.ApplicationChanges(
        title=data.get("title") or "",
        requested_amount=data.get("requested_amount") or 0,
        answers=form.answers(),
        uploads=form.uploads() if with_files else None,
    )


def _render_edit(
    request: HttpRequest, application: Application, form: ApplicationForm, *, status: int = 200
) -> HttpResponse:
    files = selectors.files_of(application)
    context = {
        "application": application,
        "call": application.call,
        "form": form,
        "rows": [(form[name], files.get(name)) for name in form.fields],
        "autosave": application.status == ApplicationStatus.DRAFT,
        "can_submit": application.status == ApplicationStatus.DRAFT,
    }
    return render(request, "programmes/applications/edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@ratelimit_writes("programmes.save", SAVE_RATE)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _editable_application(request, pk)
    if not services.editable_now(application):
        messages.info(request, _("This application can no longer be changed."))
        return redirect(application)
    questions = selectors.questions_of(application.call)
    if request.method == "POST":
        form = application_form(
            application.call,
            request.POST,
            request.FILES,
            application=application,
            questions=questions,
        )
        if form.is_valid() and run_service(
            form,
            lambda: services.save_application(
                actor=request.user, application=application, changes=_changes(form)
            ),
        ):
            messages.success(request, _("Your changes are saved."))
            return redirect("programmes:edit", pk=application.pk)
        return _render_edit(request, application, form, status=422)
    form = application_form(application.call, application=application, questions=questions)
    return _render_edit(request, application, form)


def _json_errors(error: ValidationError, detail: str, status: int = 422) -> JsonResponse:
    return JsonResponse(
        {"detail": detail, "errors": validation_errors(error)},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


@require_POST
@login_required
def autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """The edit form's fields (never its files) saved as the person types (autosave.js): JSON
    `{"saved_at", "message"}`, or 422 with the field errors (nothing saved)."""
    try:
        check(request, "programmes.autosave", AUTOSAVE_RATE)
    except RateLimited:
        return JsonResponse(
            {"detail": _("Too many requests. Please wait a moment."), "errors": {}}, status=429
        )
    application = _editable_application(request, pk)
    if application.status != ApplicationStatus.DRAFT:
        return _json_errors(
            ValidationError(_("Only drafts are saved automatically: use the Save button.")),
            _("Not saved."),
        )
    form = application_form(application.call, request.POST, application=application)
    not_saved = _("Not saved: check the fields marked as invalid.")
    if not form.is_valid():
        return _json_errors(ValidationError(form.errors.as_data()), not_saved)
    try:
        services.save_application(
            actor=request.user, application=application, changes=_changes(form, with_files=False)
        )
    except ValidationError as error:
        return _json_errors(error, not_saved)
    when = formats.time_format(timezone.localtime(), "H:i")
    return JsonResponse(
        {"saved_at": when, "message": _("Saved at %(time)s") % {"time": when}},
        json_dumps_params={"ensure_ascii": False},
    )


@require_POST
@login_required
@ratelimit_writes("programmes.save", SAVE_RATE)
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit; from the edit form, its fields are saved first (so nothing typed is lost even
    when the submission is refused)."""
    application = _editable_application(request, pk)
    questions = selectors.questions_of(application.call)
    if "title" in request.POST:
        form = application_form(
            application.call,
            request.POST,
            request.FILES,
            application=application,
            questions=questions,
        )
        if not form.is_valid() or not run_service(
            form,
            lambda: services.save_application(
                actor=request.user, application=application, changes=_changes(form)
            ),
        ):
            return _render_edit(request, application, form, status=422)
    else:
        form = application_form(application.call, application=application, questions=questions)
    try:
        application = services.submit_application(actor=request.user, application=application)
    except ValidationError as error:
        application.refresh_from_db()
        form = application_form(application.call, application=application, questions=questions)
        # The stored answers with the service's errors on their fields: an unbound form's
        # (empty) errors are initialised first, then the service's are added.
        form.full_clean()
        form.cleaned_data = {}
        apply_errors(form, error)
        if not services.editable_now(application):
            messages.error(request, " ".join(error.messages))
            return redirect(application)
        return _render_edit(request, application, form, status=422)
    messages.success(
        request,
        _("Your application is submitted. Its receipt number is %(receipt)s.")
        % {"receipt": application.receipt_number},
    )
    return redirect(application)


@require_http_methods(["GET", "POST"])
@login_required
@ratelimit_writes("programmes.save", SAVE_RATE)
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _editable_application(request, pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: services.withdraw_application(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            ),
        )
    ):
        messages.success(request, _("The application is withdrawn."))
        return redirect(application)
    context = {
        "application": application,
        "form": form,
        "withdrawable": application.status in services.WITHDRAWABLE,
    }
    return render(
        request,
        "programmes/applications/withdraw.html",
        context,
        status=422 if form.errors else 200,
    )


# --- reading ----------------------------------------------------------------------------------


@require_safe
@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The shared page: the applicant's view, with the other parts' sections for staff and
    reviewers (views/parts.py)."""
    application = get_application_for(request.user, pk)
    questions = selectors.questions_of(application.call)
    files = selectors.files_of(application)
    member = is_member(request.user, application.organization)
    context: dict[str, Any] = {
        "application": application,
        "call": application.call,
        "steps": steps(application),
        "answers": _answers(application, questions, files),
        "is_member": member,
        "can_edit": member and services.editable_now(application),
        "can_submit": member
        and application.status == ApplicationStatus.DRAFT
        and services.editable_now(application),
        "can_withdraw": member and application.status in services.WITHDRAWABLE,
    }
    context |= parts.extra("application_extra", request, application)
    return render(request, "programmes/application.html", context)


@require_safe
@login_required
def application_file(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    application = get_application_for(request.user, pk)
    stored = selectors.file_of(application, key)
    if stored is None:
        raise Http404
    return private_file_response(
        stored.file, filename=stored.original_name, content_type=stored.content_type
    )


@require_safe
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.applications_of_member(request.user), per_page=PER_PAGE)
    context: dict[str, Any] = {
        "page": page,
        "applications": page.object_list,
        "belongs": belongs_to_an_organization(request.user),
    }
    context |= parts.extra("mine_extra", request)
    return render(request, "programmes/mine.html", context)


# --- the call page's part ---------------------------------------------------------------------


def call_extra(request: HttpRequest, call: Call) -> dict[str, Any]:
    """The call page's applicant box: Apply (open call, the person belongs to an organization),
    their organizations' applications to it, and why an organization may not apply."""
    if not request.user.is_authenticated:
        return {"call_applications": {"signed_in": False, "open": call.is_open}}
    organizations = list(selectors.organizations_of(request.user))
    applications = selectors.call_applications_of(request.user, call)
    live = {a.organization_id for a in applications if a.status != ApplicationStatus.WITHDRAWN}
    problems = []
    if call.is_open:
        for organization in organizations:
            if organization.pk not in live:
                found = rules.eligibility_problems(call, organization)
                if found:
                    problems.append({"organization": organization, "problems": found})
    return {
        "call_applications": {
            "signed_in": True,
            "open": call.is_open,
            "organizations": organizations,
            "applications": applications,
            "problems": problems,
            "can_apply": call.is_open
            and any(o.pk not in live for o in organizations)
            and len(problems) < len([o for o in organizations if o.pk not in live]),
        }
    }


urlpatterns: list = [  # fixed-prefix routes (applications/…)
    path("applications/", mine, name="mine"),
    path("applications/<int:pk>/", application_detail, name="application"),
    path("applications/<int:pk>/edit/", edit, name="edit"),
    path("applications/<int:pk>/autosave/", autosave, name="autosave"),
    path("applications/<int:pk>/submit/", submit, name="submit"),
    path("applications/<int:pk>/withdraw/", withdraw, name="withdraw"),
    path("applications/<int:pk>/files/<slug:key>/", application_file, name="file"),
]
slug_urlpatterns: list = [  # routes under a call's <slug:slug>/ (after every fixed prefix)
    path("<slug:slug>/apply/", apply, name="apply"),
]
