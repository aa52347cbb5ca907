"""The waitlist's form: a taken period of the shown week, as the space page offers it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

SEPARATOR = "/"


def period_value(starts_at: datetime, ends_at: datetime) -> str:
    return f"{starts_at.isoformat()}{SEPARATOR}{ends_at.isoformat()}"


def period_label(starts_at: datetime, ends_at: datetime) -> str:
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    return (
        f"{formats.date_format(start, 'DATE_FORMAT')} ({formats.date_format(start, 'D')}) "
        f"{formats.time_format(start, 'H:i')}–{formats.time_format(end, 'H:i')}"
    )


class JoinWaitlistForm(forms.Form):
    """The choices are the week's taken periods; a posted value is any period (the service
    checks it is taken and allowed by the space's rules)."""

    period = forms.CharField(
        label=_("Taken time"),
        max_length=80,
        widget=forms.Select,
        error_messages={"required": _("Choose a taken time.")},
    )

    def __init__(
        self,
        *args: Any,
        periods: Iterable[tuple[datetime, datetime]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].widget.choices = [
            (period_value(s, e), period_label(s, e)) for s, e in periods
        ]

    def clean_period(self) -> tuple[datetime, datetime]:
        raw = self.cleaned_data["period"]
        try:
            first, _sep, second = raw.partition(SEPARATOR)
            starts_at, ends_at = datetime.fromisoformat(first), datetime.fromisoformat(second)
        except ValueError:
            raise forms.ValidationError(_("Choose a time from the list."), code="invalid") from None
        if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
            raise forms.ValidationError(_("Choose a time from the list."), code="invalid")
        return starts_at, ends_at
