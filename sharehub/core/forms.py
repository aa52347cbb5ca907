"""Service errors shown on forms, and the one view step "run this service, show its errors"."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def field_error(field: str, message: str, *, code: str | None = None) -> ValidationError:
    """A ValidationError about one field, ready to raise from a service."""
    return ValidationError({field: [ValidationError(message, code=code)]})


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def run_service[T](form: forms.Form, call: Callable[[], T]) -> T | None:
    """Run a service for a bound, valid form; on ValidationError show it on the form, return None.

    PermissionDenied and other errors pass through (a 403 page, never a form message). Views use:

        if form.is_valid() and (event := run_service(form, lambda: update_event(...))):
            return redirect(event)
    """
    try:
        return call()
    except ValidationError as error:
        apply_errors(form, error)
        return None


def run_action(
    request: HttpRequest, action: Callable[..., object], success: str = "", **kwargs: object
) -> bool:
    """Run a service behind a button (no form to show again) as `action(actor=request.user,
    **kwargs)`: a rule it refuses becomes an error message on the next page, success a
    confirmation. True when it ran; PermissionDenied passes through."""
    try:
        action(actor=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    if success:
        messages.success(request, success)
    return True
