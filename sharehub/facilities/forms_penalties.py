"""The forms of check-in, no-shows, the penalty register and appeals."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import PenaltyKind, Space
from .services.penalties import MAX_SUSPENSION_DAYS, TEXT_MAX


class CheckInForm(forms.Form):
    # `code` is the field the events app's scanner script fills (events/js/checkin.js).
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=500,
        help_text=_("Scan the booker's QR code, or paste its text."),
    )


def _reason_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


def _days_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Suspended for (days)"), min_value=1, max_value=MAX_SUSPENSION_DAYS, initial=30
    )


class SuspendForm(forms.Form):
    """Staff suspend a person (by the e-mail of their account) from a space or every space."""

    person = forms.EmailField(label=_("The person's e-mail address"))
    space = forms.ModelChoiceField(
        label=_("Suspended from"),
        queryset=Space.objects.none(),
        required=False,
        empty_label=_("Every public space (city staff)"),
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("penalty", "Kind"),
        choices=[
            (PenaltyKind.MACRO, PenaltyKind.MACRO.label),
            (PenaltyKind.OTHER, PenaltyKind.OTHER.label),
        ],
    )
    days = _days_field()
    reason = _reason_field(_("Reason (the person reads it)"))

    def __init__(self, *args: Any, spaces: QuerySet[Space], everywhere: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["space"]
        field.queryset = spaces.order_by("slug")  # type: ignore[attr-defined]
        field.required = not everywhere
        if not everywhere:
            field.empty_label = None  # type: ignore[attr-defined]


class SuspendBookerForm(forms.Form):
    """From a held booking: reject it and suspend its booker as an automated (macro) booking."""

    days = _days_field()
    reason = _reason_field(_("Reason (the person reads it)"))
    everywhere = forms.BooleanField(label=_("From every public space (city staff)"), required=False)


class LiftForm(forms.Form):
    reason = _reason_field(_("Why it is lifted (the person reads it)"))


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Your appeal"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say why the suspension should be lifted. You can appeal once."),
    )


class DecideAppealForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("lift", _("Lift the suspension")),
            ("uphold", _("Uphold the suspension")),
        ],
        widget=forms.RadioSelect,
    )
    answer = _reason_field(_("Answer (the person reads it)"))


class RegisterFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("running", _("Running")),
            ("appealed", _("Appeal waiting")),
            ("ended", _("Ended")),
            ("lifted", _("Lifted")),
        ],
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("penalty", "Kind"),
        required=False,
        choices=[("", _("All")), *PenaltyKind.choices],
    )
    space = forms.ModelChoiceField(
        label=_("Space"), queryset=Space.objects.none(), required=False, empty_label=_("All")
    )
    person = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)

    def __init__(self, *args: Any, spaces: QuerySet[Space], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = spaces.order_by("slug")  # type: ignore[attr-defined]
