"""The city's answer, bulk answer, answer template and result forms. Rules live in the services
(services/answers.py); these parse."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import REASON_MAX, TITLE_MAX, AnswerStatus, AnswerTemplate, Recommendation


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("The city's answer"), choices=AnswerStatus.choices)
    reasons = forms.CharField(
        label=_("Reasons"),
        max_length=REASON_MAX * 2,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Shown in public on the pages of the proposals it cites."),
    )
    department = forms.CharField(label=_("Responsible department"), max_length=120)
    cost_estimate = forms.IntegerField(label=_("Cost estimate (won)"), min_value=0, required=False)
    target_date = forms.DateField(
        label=_("Target date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    language = forms.ChoiceField(label=_("Written in"), choices=settings.LANGUAGES)


class BulkAnswerForm(forms.Form):
    recommendations = forms.ModelMultipleChoiceField(
        label=_("Recommendations to answer"),
        queryset=Recommendation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please choose at least one recommendation.")},
    )
    template = forms.ModelChoiceField(
        label=_("Answer template"),
        queryset=AnswerTemplate.objects.all(),
        empty_label=None,
    )
    department = forms.CharField(
        label=_("Responsible department"),
        max_length=120,
        required=False,
        help_text=_("Leave empty to use the template's."),
    )
    target_date = forms.DateField(
        label=_("Target date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    language = forms.ChoiceField(label=_("Written in"), choices=settings.LANGUAGES)

    def __init__(self, *args, recommendations=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Any published recommendation may be ticked: one answered meanwhile is refused by the
        # service with its title, rather than vanishing from the choice.
        self.fields["recommendations"].queryset = recommendations or Recommendation.objects.filter(
            state="published"
        )


class AnswerTemplateForm(forms.Form):
    name_ko = forms.CharField(label=_("Name (Korean)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120, required=False)
    status = forms.ChoiceField(label=_("The city's answer"), choices=AnswerStatus.choices)
    reasons_ko = forms.CharField(
        label=_("Reasons (Korean)"),
        max_length=REASON_MAX * 2,
        widget=forms.Textarea(attrs={"rows": 5, "lang": "ko"}),
    )
    reasons_en = forms.CharField(
        label=_("Reasons (English)"),
        max_length=REASON_MAX * 2,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "lang": "en"}),
    )
    department = forms.CharField(label=_("Responsible department"), max_length=120, required=False)


class ResultForm(forms.Form):
    title_ko = forms.CharField(label=_("Title (Korean)"), max_length=TITLE_MAX)
    title_en = forms.CharField(label=_("Title (English)"), max_length=TITLE_MAX, required=False)
    description_ko = forms.CharField(
        label=_("Description (Korean)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MilestoneForm(forms.Form):
    title_ko = forms.CharField(label=_("Milestone (Korean)"), max_length=TITLE_MAX)
    title_en = forms.CharField(label=_("Milestone (English)"), max_length=TITLE_MAX, required=False)
    due_date = forms.DateField(
        label=pgettext_lazy("milestone", "Due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ResultUpdateForm(forms.Form):
    text = forms.CharField(
        label=pgettext_lazy("result", "Update"),
        max_length=REASON_MAX * 2,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    language = forms.ChoiceField(label=_("Written in"), choices=settings.LANGUAGES)
