"""Forms of the reports part: the organization's report, the staff's review, the staff list's
filter. The services validate again (the API has no form)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import REASON_LIMIT, TEXT_LIMIT
from .services.reports import FILE_ACCEPT

MAX_WON = 10**12


class ReportForm(forms.Form):
    body = forms.CharField(
        label=_("What the project did"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Activities, who took part, results against the plan, what comes next."),
    )
    spent = forms.IntegerField(
        label=_("Amount of the award spent (won)"),
        min_value=0,
        max_value=MAX_WON,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    file = forms.FileField(
        label=_("File (optional)"),
        required=False,
        help_text=_(
            "Receipts, photos or the full report: PDF, HWP, HWPX, DOCX, PNG, JPEG or ZIP, up to "
            "10 MB."
        ),
        widget=forms.FileInput(attrs={"accept": FILE_ACCEPT}),
    )


class ReportReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", _("Accept the report")),
            ("changes", _("Ask for changes")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note or reason"),
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you ask for changes: the organization reads it."),
    )


class ReportFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("review", _("To review")),
            ("overdue", _("Overdue")),
            ("accepted", pgettext_lazy("report", "Accepted")),
            ("all", _("All reports")),
        ],
    )
