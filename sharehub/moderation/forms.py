from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Decision, ReportReason
from .services import DETAILS_MAX_LENGTH, REASON_MAX_LENGTH


class ReportDecision(models.TextChoices):
    """The report queue's buttons: hide the content (closing its reports), or dismiss the report."""

    HIDE = Decision.HIDE.value, Decision.HIDE.label
    DISMISS = "dismiss", pgettext_lazy("moderation action", "Dismiss")


class DecisionForm(forms.Form):
    """A moderator's decision on one object; the service says whether a reason is required."""

    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (decision.value, decision.label)
            for decision in (Decision.PUBLISH, Decision.REJECT, Decision.HIDE, Decision.RESTORE)
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
        choices=ReportDecision.choices,
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
