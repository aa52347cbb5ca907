"""The proposal, amendment and withdrawal forms. Rules live in the services; these parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sharehub.core.widgets import PickerSelectMultiple, RichTextarea, names
from sharehub.places.selectors import district_list

from .models import BODY_MAX, REASON_MAX, TITLE_MAX, PolicyArea


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    area = forms.ModelChoiceField(
        label=_("Policy area"), queryset=PolicyArea.objects.all(), empty_label=None
    )
    body = forms.CharField(
        label=_("Proposal"),
        max_length=BODY_MAX,
        widget=RichTextarea(rows=12),
        help_text=_("What should the city do, and why? Who would it help?"),
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts concerned"),
        queryset=district_list(),
        required=False,
        widget=PickerSelectMultiple(attrs={"size": 6}, search_text=names),
        help_text=_("None chosen: the whole city."),
    )
    language = forms.ChoiceField(label=_("Written in"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.lang = self.initial.get("language") or settings.LANGUAGE_CODE


class AmendmentForm(forms.Form):
    text = forms.CharField(
        label=_("Amendment"),
        max_length=BODY_MAX,
        widget=RichTextarea(rows=6),
        help_text=_("Added under the proposal with today's date; the supported text stays."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw it?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the proposal's page, for its supporters."),
    )
