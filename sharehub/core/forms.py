"""Service errors shown on forms, the one view step "run this service, show its errors", and a
choice field drawn from two columns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model
from django.forms.models import ModelChoiceIterator
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext
from modeltranslation.fields import TranslationField


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


def label_translations(form: forms.BaseForm, model: type[Model]) -> None:
    """Each translated field of the model labelled "<field> in <language>" ("한국어 제목",
    "Title in English"), as the hub's other forms write it, not modeltranslation's
    "제목 [ko]"."""
    names = {"ko": gettext("Korean"), "en": gettext("English")}
    for name, field in form.fields.items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(model_field, TranslationField) and model_field.language in names:
            field.label = capfirst(
                gettext("%(field)s in %(language)s")
                % {
                    "field": model_field.translated_field.verbose_name,
                    "language": names[model_field.language],
                }
            )


class _LabelledValues(ModelChoiceIterator):
    """(value, label) pairs read as two columns: no model instance per option."""

    field: LabelledModelChoiceField

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        value = self.field.to_field_name or "pk"
        # A list, not .iterator(): on PostgreSQL that is a server-side cursor (DECLARE, FETCH,
        # CLOSE: three round trips) for a few dozen rows.
        yield from list(self.queryset.values_list(value, self.field.label_field))


class LabelledModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose options are drawn from two columns: the value (`to_field_name`)
    and `label_field` (a translated field gives the reader's language, with its fallback). A
    filter form's select of 25 districts built a model instance per option on every page (about
    0.5 ms of the directory's server time); validation still reads the one chosen row."""

    iterator = _LabelledValues
    label_field = "name"
