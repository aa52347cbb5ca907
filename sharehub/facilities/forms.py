"""The booking form and the staff's small forms."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sharehub.organizations.models import Organization

from . import services
from .models import Purpose, Space
from .services import MAX_SERIES_WEEKS

OPENED_SALT = "facilities.booking-form-opened"


def opened_token(user: Any, *, seconds_ago: float = 0.0) -> str:
    """When the form was shown, signed with the account it was shown to: the booking learns how
    long the person took (`seconds_ago` back-dates it, for tests)."""
    opened = timezone.now().timestamp() - seconds_ago
    return signing.dumps({"t": opened, "u": user.pk}, salt=OPENED_SALT)


def seconds_since(token: str, user: Any) -> float | None:
    """Seconds since the signed opening time; None when the token is missing, forged or was
    shown to another account (a token is no proof of a person's pace for anyone else: one
    account's page cannot time another's booking). No age limit: a tab left open for days is
    still a person's."""
    try:
        data = signing.loads(token, salt=OPENED_SALT)
        opened = float(data["t"])
        shown_to = data["u"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if shown_to is None or shown_to != getattr(user, "pk", None):
        return None
    return max(0.0, timezone.now().timestamp() - opened)


class BookingForm(forms.Form):
    day = forms.DateField(
        label=pgettext_lazy("booking", "Day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start = forms.TimeField(
        label=pgettext_lazy("time", "From"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end = forms.TimeField(
        label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    purpose = forms.ChoiceField(label=pgettext_lazy("booking", "Purpose"))
    purpose_detail = forms.CharField(
        label=_("What for"),
        max_length=300,
        help_text=_("For example: a monthly meeting of our tool library's volunteers."),
    )
    people = forms.IntegerField(
        label=pgettext_lazy("number of people", "People"), min_value=1, max_value=10000
    )
    organization = forms.ModelChoiceField(
        label=_("For an organization"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=_("For myself"),
    )
    weeks = forms.IntegerField(
        label=_("Repeat weekly for"),
        required=False,
        min_value=1,
        max_value=MAX_SERIES_WEEKS,
        initial=1,
        help_text=_("Weeks in all, this one included; every week is booked or none is."),
    )
    declares_eligible = forms.BooleanField(
        label=_("I live, work or study in the city."), required=False
    )
    accept_rules = forms.BooleanField(
        label=_("I have read the space's rules and will keep them."),
        error_messages={"required": _("Please accept the space's rules.")},
    )
    opened = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, space: Space, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.space = space
        self.user = user
        self.fields["purpose"].choices = [
            (value, label) for value, label in Purpose.choices if value not in space.excluded
        ]
        self.fields["people"].max_value = space.capacity
        self.fields["people"].widget.attrs["max"] = space.capacity
        self.fields["organization"].queryset = Organization.objects.filter(
            memberships__user=user
        ).distinct()
        if space.eligibility != "city":
            del self.fields["declares_eligible"]
        if not self.is_bound:
            self.initial.setdefault("opened", opened_token(user))

    def moments(self) -> tuple[datetime, datetime]:
        day = self.cleaned_data["day"]
        start: time = self.cleaned_data["start"]
        end: time = self.cleaned_data["end"]
        return (
            timezone.make_aware(datetime.combine(day, start)),
            timezone.make_aware(datetime.combine(day, end)),
        )

    def ask(self) -> services.BookingAsk:
        starts_at, ends_at = self.moments()
        return services.BookingAsk(
            starts_at=starts_at,
            ends_at=ends_at,
            purpose=self.cleaned_data["purpose"],
            purpose_detail=self.cleaned_data["purpose_detail"],
            people=self.cleaned_data["people"],
            organization=self.cleaned_data.get("organization"),
            declares_eligible=bool(self.cleaned_data.get("declares_eligible")),
            form_seconds=seconds_since(self.cleaned_data.get("opened") or "", self.user),
            via_form=True,
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ClosureForm(forms.Form):
    starts_on = forms.DateField(
        label=pgettext_lazy("closure", "from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("until"), widget=forms.DateInput(attrs={"type": "date"}))
    reason_ko = forms.CharField(label=_("Reason (Korean)"), max_length=200)
    reason_en = forms.CharField(label=_("Reason (English)"), max_length=200, required=False)
