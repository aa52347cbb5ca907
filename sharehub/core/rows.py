"""Lists of rows edited on one page and saved all or nothing (a space's opening hours, fee table
and refund bands; a call's tracks, questions and criteria).

The service collects its errors with `RowErrors`, keyed `<prefix>-<index>-<field>` (or `<prefix>`
for the whole list), and raises them together; the page's `RowFormSet` puts each back on the row
it came from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


class RowErrors:
    """Errors of a list of rows, keyed `<prefix>-<index>-<field>` (or `<prefix>` for the list)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.errors: dict[str, list[ValidationError]] = {}

    def add(self, index: int | None, field: str, message: str, code: str) -> None:
        key = self.prefix if index is None else f"{self.prefix}-{index}-{field}"
        self.errors.setdefault(key, []).append(ValidationError(message, code=code))

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


class RowFormSet(forms.BaseFormSet):
    """Rows replaced at once: blank and removed rows are left out; the service's errors, keyed
    `<prefix>-<index>-<field>` by the rows it was given, go back to the form each row came from
    (a hidden field's error, such as a row's id, is shown above the rows)."""

    def initial_form_count(self) -> int:
        # Every row may be left blank (and is then left out), the rows shown from the database
        # too: none is an "initial" form that must be filled in.
        return 0

    def kept(self) -> list[forms.Form]:
        return [
            form
            for form in self.forms
            if form.has_changed() and not (self.can_delete and self._should_delete_form(form))  # type: ignore[attr-defined]
        ]

    def rows(self) -> list[Any]:
        return [form.row() for form in self.kept()]  # type: ignore[attr-defined]

    def show_errors(self, error: ValidationError) -> None:
        kept = self.kept()
        general: list[str] = []
        for key, texts in error.message_dict.items():
            parts = key.split("-")
            if len(parts) == 3 and parts[0] == self.prefix and parts[1].isdigit():
                index, field = int(parts[1]), parts[2]
                form = kept[index] if index < len(kept) else None
                if (
                    form is not None
                    and field in form.fields
                    and not form.fields[field].widget.is_hidden
                ):
                    form.add_error(field, texts)
                    continue
            general.extend(texts)
        self.service_errors = general


def rows_formset(
    formset_class: type[RowFormSet], data: Any, *, initial: list[dict[str, Any]], prefix: str
) -> RowFormSet:
    """The formset of a page: posted rows as they came, or the saved rows and a few blank ones."""
    if data is not None:
        return formset_class(data, prefix=prefix)
    formset = formset_class(initial=initial, prefix=prefix)
    formset.extra = len(initial) + formset_class.extra
    return formset


def row_formset(form: type[forms.Form], *, extra: int = 3) -> type[RowFormSet]:
    return forms.formset_factory(  # type: ignore[return-value]
        form, formset=RowFormSet, extra=extra, can_delete=True, max_num=50, absolute_max=60
    )


def save_rows(
    request: HttpRequest, formset: RowFormSet, replace: Callable[[list[Any]], object], saved: str
) -> bool | None:
    """A rows page's POST: the valid rows go to `replace(rows)` (a service saving them all or
    none), its errors back to their rows. True when saved (the caller redirects), False when
    refused, None for a GET."""
    if request.method != "POST":
        return None
    if formset.is_valid():
        try:
            replace(formset.rows())
        except ValidationError as error:
            formset.show_errors(error)
        else:
            messages.success(request, saved)
            return True
    return False
