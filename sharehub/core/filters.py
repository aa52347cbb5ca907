"""A list's filters, declared once as a form: the page renders it, page and API validate with it.

The form is the declaration (labels, choices, limits, messages in the reader's language). The API
documents the same parameters through `query_schema(FormClass)` and validates them with the same
form (`api_filters`: a 422 with field errors); the page shows the errors next to the results while
the valid filters still apply (`page_filters`). Selectors take the cleaned values.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import translation
from django.utils.choices import CallableChoiceIterator
from ninja import Field, Schema
from pydantic import create_model


class FilterForm(forms.Form):
    """Base of every list's filter form. Every field is optional; bad values are field errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices read from the database (a callable) are read when first needed and then once
        # per form, however often the page iterates them (the API never does).
        for field in self.fields.values():
            choices = getattr(field, "_choices", None)
            if isinstance(choices, CallableChoiceIterator):
                field.choices = cache(choices.func)  # type: ignore[attr-defined]

    def applied(self) -> dict[str, Any]:
        """The valid filters after validation (a bad field is left out, the others apply); none
        when the form is unbound (no query string)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}


def _annotation(field: forms.Field) -> Any:
    if isinstance(field, forms.MultipleChoiceField):
        return list[str] | None
    if isinstance(field, forms.BooleanField):
        return bool | None
    return str | None


@cache
def query_schema(form_class: type[FilterForm]) -> type[Schema]:
    """The form's fields as an API query schema, so OpenAPI lists them (types stay loose: the form
    validates, so the page and the API give the same messages)."""
    fields: dict[str, Any] = {}
    with translation.override("en"):  # the API's documentation is in English
        for name, field in form_class.base_fields.items():
            description = str(field.help_text or field.label or name)
            fields[name] = (_annotation(field), Field(None, description=description))
    return create_model(f"{form_class.__name__}Query", __base__=Schema, **fields)


def _as_querydict(values: dict[str, Any]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, list):
            data.setlist(name, [str(item) for item in value])
        else:
            data[name] = "on" if value is True else ("" if value is False else str(value))
    return data


def api_filters[F: FilterForm](form_class: type[F], query: Schema, **kwargs: Any) -> F:
    """Validate an API query with the form; any error is a 422 naming the field."""
    form = form_class(_as_querydict(query.dict()), **kwargs)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form


def page_filters[F: FilterForm](form_class: type[F], params: QueryDict, **kwargs: Any) -> F:
    """The page's filter form, bound to the query string (unbound when there is none)."""
    return form_class(params or None, **kwargs)
