"""The applicant's forms: choosing an organization and a track, and the application form built
from the call's questions (`FormField`). The same fields check the answers a page, autosave or
the API sends (`clean_answers`), so the page and the API cannot disagree.

Answers are kept JSON-ready in `Application.answers`: text as text, numbers and amounts in won
as integers, dates as ISO dates, choices as the option's value. Files go to `ApplicationFile`."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from sharehub.core.templatetags.content_lang import content
from sharehub.core.uploads import accept_attribute
from sharehub.organizations.models import Organization

from .models import Application, Call, FieldKind, FormField, Track

# The documents an application question accepts (as designation's application documents).
FILE_EXTENSIONS = ("pdf", "png", "jpg", "jpeg", "hwp", "hwpx", "docx", "pptx", "zip")
MAX_FILE_BYTES = 20 * 1024 * 1024
TEXT_LIMIT = 20_000
# The names of the application's own fields: a question's key never takes them.
RESERVED_KEYS = frozenset({"title", "requested_amount", "track", "organization"})

_MONEY_NOISE = re.compile(r"[,\s₩원]")


def parse_money(value: Any) -> int | None:
    """An amount in won as people write it ("1,000,000", "1 000 000원", "₩500000"), or None
    for an empty value; ValidationError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError(_("Enter an amount in won, such as 1,000,000."), code="invalid")
    if isinstance(value, int):
        return value
    text = _MONEY_NOISE.sub("", str(value))
    if not text:
        return None
    if not text.isdigit() or len(text) > 18:
        raise ValidationError(_("Enter an amount in won, such as 1,000,000."), code="invalid")
    return int(text)


class MoneyField(forms.IntegerField):
    """An amount in won; thousands separators and "원" are accepted."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        return parse_money(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # Not a number input: it would refuse the commas people type.
        attrs = super().widget_attrs(widget)
        attrs.pop("min", None)
        attrs.pop("max", None)
        attrs.pop("step", None)
        return attrs

    def prepare_value(self, value: Any) -> Any:
        return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else value


def choice_options(field: FormField) -> list[tuple[str, str]]:
    """A choice question's options, labelled in the page's language ("value|한국어|English"
    lines; a missing label falls back to the other language, then to the value)."""
    english = (get_language() or "ko").startswith("en")
    options = []
    for line in (field.choices or "").splitlines():
        parts = [part.strip() for part in line.split("|")]
        if not parts or not parts[0]:
            continue
        value = parts[0]
        korean = parts[1] if len(parts) > 1 else ""
        other = parts[2] if len(parts) > 2 else ""
        label = (other or korean) if english else (korean or other)
        options.append((value, label or value))
    return options


def _label(field: FormField) -> SafeString:
    return content(field, "label") or format_html("{}", field.key)


def answer_field(field: FormField, *, required: bool) -> forms.Field:
    """The form field for one question; `required` False for drafts (incomplete is fine)."""
    common: dict[str, Any] = {
        "required": required,
        "label": _label(field),
        "help_text": content(field, "help_text"),
    }
    kind = field.kind
    if kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        limit = field.max_length or field.max_value or (200 if kind == FieldKind.TEXT else None)
        widget = (
            forms.Textarea(attrs={"rows": 8})
            if kind == FieldKind.LONG_TEXT
            else forms.TextInput(attrs={"autocomplete": "off"})
        )
        return forms.CharField(
            max_length=min(limit or TEXT_LIMIT, TEXT_LIMIT),
            min_length=field.min_value if field.min_value and field.min_value > 0 else None,
            widget=widget,
            **common,
        )
    if kind == FieldKind.NUMBER:
        return forms.IntegerField(min_value=field.min_value, max_value=field.max_value, **common)
    if kind == FieldKind.MONEY:
        return MoneyField(
            min_value=field.min_value if field.min_value is not None else 0,
            max_value=field.max_value,
            **common,
        )
    if kind == FieldKind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == FieldKind.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *choice_options(field)], **common)
    if kind == FieldKind.FILE:
        return forms.FileField(
            widget=forms.FileInput(attrs={"accept": accept_attribute(FILE_EXTENSIONS)}),
            **common,
        )
    raise ValueError(f"unknown question kind {kind}")


def to_stored(field: FormField, value: Any) -> Any:
    """A cleaned value as `Application.answers` keeps it."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class ApplicationForm(forms.Form):
    """The project's title and amount, then one field per question (named by its key).

    Every field is optional here: a draft may be incomplete, and what a submission needs is
    checked by the service (`services.applications.submit_application`)."""

    title = forms.CharField(label=gettext_lazy("Project title"), max_length=200, required=False)
    requested_amount = MoneyField(
        label=gettext_lazy("Amount requested (won)"), min_value=0, required=False
    )

    def __init__(
        self,
        *args: Any,
        call: Call,
        questions: list[FormField],
        application: Application | None = None,
        **kwargs: Any,
    ) -> None:
        if application is not None and "initial" not in kwargs:
            initial = {"title": application.title, "requested_amount": application.requested_amount}
            initial.update(application.answers or {})
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.call = call
        self.questions = [q for q in questions if q.key not in RESERVED_KEYS]
        for question in self.questions:
            field = answer_field(question, required=False)
            field.shown_required = question.required  # type: ignore[attr-defined]
            self.fields[question.key] = field
        self.fields["title"].shown_required = True  # type: ignore[attr-defined]
        self.fields["requested_amount"].shown_required = True  # type: ignore[attr-defined]

    def answers(self) -> dict[str, Any]:
        """The cleaned answers of the questions that are not files, as stored."""
        return {
            q.key: to_stored(q, self.cleaned_data.get(q.key))
            for q in self.questions
            if q.kind != FieldKind.FILE
        }

    def uploads(self) -> dict[str, Any]:
        return {
            q.key: self.cleaned_data[q.key]
            for q in self.questions
            if q.kind == FieldKind.FILE and self.cleaned_data.get(q.key)
        }


def application_form(
    call: Call,
    data: Any = None,
    files: Any = None,
    *,
    application: Application | None = None,
    questions: list[FormField] | None = None,
) -> ApplicationForm:
    """The application form of a call (bound when `data` is given)."""
    if questions is None:
        questions = list(call.fields.all())
    return ApplicationForm(data, files, call=call, questions=questions, application=application)


def _as_input(field: FormField, value: Any) -> Any:
    """A stored (or API) value as the form field reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, str)):
        return value
    return str(value)


def clean_answers(
    questions: list[FormField],
    answers: dict[str, Any],
    *,
    complete: bool,
    files_present: set[str] | frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Check answers against the questions: the stored form of each, or ValidationError by key.
    `complete`: every required question answered (a file question by a stored file). Unknown
    keys are refused (an API client's typo must not vanish silently)."""
    by_key = {q.key: q for q in questions}
    errors: dict[str, list[ValidationError]] = {}
    for key in answers:
        if key not in by_key or by_key[key].kind == FieldKind.FILE:
            errors.setdefault(key, []).append(
                ValidationError(_("There is no such question."), code="unknown")
            )
    cleaned: dict[str, Any] = {}
    for question in questions:
        if question.kind == FieldKind.FILE:
            if complete and question.required and question.key not in files_present:
                errors.setdefault(question.key, []).append(
                    ValidationError(_("Upload this document."), code="required")
                )
            continue
        if not complete and question.key not in answers:
            continue  # a draft's save changes only the answers it sends
        field = answer_field(question, required=complete and question.required)
        try:
            value = field.clean(_as_input(question, answers.get(question.key)))
        except ValidationError as error:
            errors.setdefault(question.key, []).extend(error.error_list)
            continue
        cleaned[question.key] = to_stored(question, value)
    if errors:
        raise ValidationError(errors)
    return cleaned


class ApplyForm(forms.Form):
    """Start an application: which organization applies, to which track, with what project."""

    organization: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("Applicant organization"),
        queryset=Organization.objects.none(),
        empty_label=None,
    )
    track: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("Track"),
        queryset=Track.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=gettext_lazy("Project title"), max_length=200)
    requested_amount = MoneyField(
        label=gettext_lazy("Amount requested (won)"),
        min_value=0,
        required=False,
        help_text=gettext_lazy("You may change it until you submit."),
    )

    def __init__(self, *args: Any, organizations: Any, tracks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organization_field: Any = self.fields["organization"]
        organization_field.queryset = organizations
        track_field: Any = self.fields["track"]
        track_field.queryset = tracks
        track_field.label_from_instance = _track_label

    def clean_requested_amount(self) -> int:
        return self.cleaned_data.get("requested_amount") or 0


def _track_label(track: Track) -> SafeString:
    return format_html(
        "{} ({})",
        content(track, "name", marker=False),
        _("cap ₩%(cap)s") % {"cap": f"{track.cap:,}"},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Yes, withdraw this application"),
        required=True,
    )
