from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import ReportReason
from .services import DETAILS_MAX_LENGTH, REASON_MAX_LENGTH


class DecisionForm(forms.Form):
    """A moderator's decision on one object; the service says whether a reason is required."""

    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("publish", pgettext_lazy("moderation action", "Publish")),
            ("reject", pgettext_lazy("moderation action", "Reject")),
            ("hide", pgettext_lazy("moderation action", "Hide")),
            ("restore", pgettext_lazy("moderation action", "Restore")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReportDecisionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("hide", pgettext_lazy("moderation action", "Hide")),
            ("dismiss", pgettext_lazy("moderation action", "Dismiss")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. Tell the moderators what they should look at."),
    )
