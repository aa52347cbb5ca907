"""The proposal, amendment and withdrawal forms. Rules live in the services; these parse.

The proposal form also carries its attachments (`attachments`: new files; `remove_attachments`:
the proposal's files to remove, on the edit form); `proposal_changes` and `attachment_changes`
split its cleaned data between the proposal's service and the attachments' one."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sharehub.core.widgets import PickerSelectMultiple, RichTextarea, names
from sharehub.places.selectors import district_list

from .attachments import ACCEPT_ATTRIBUTE, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from .models import BODY_MAX, REASON_MAX, TITLE_MAX, PolicyArea, Proposal, ProposalAttachment

ATTACHMENT_FIELDS = ("attachments", "remove_attachments")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented recipe); cleaned to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


SIMILAR_ID = "similar-proposals"


def similar_attributes(proposal: Proposal | None) -> dict[str, str]:
    """htmx asks for public proposals like the title as the author types (a pause of 400 ms);
    without JavaScript the field is a plain text box."""
    attributes = {
        "autocomplete": "off",
        "aria-describedby": f"id_title_helptext {SIMILAR_ID}",
        "data-hx-get": reverse("participation:similar"),
        "data-hx-trigger": "input changed delay:400ms",
        "data-hx-target": f"#{SIMILAR_ID}",
        "data-hx-swap": "innerHTML",
        "data-hx-sync": "this:replace",
        "data-hx-push-url": "false",
    }
    if proposal is not None and proposal.pk:
        attributes["data-hx-vals"] = json.dumps({"exclude": proposal.pk})
    return attributes


class ProposalForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        help_text=_("Similar proposals already made appear below as you type."),
    )
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
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        help_text=format_lazy(
            _("Up to {count} files (PDF, HWP, HWPX, DOCX, PPTX, PNG, JPEG), {size} each at most."),
            count=MAX_ATTACHMENTS,
            size=lazy(filesizeformat, str)(MAX_ATTACHMENT_BYTES),
        ),
    )
    remove_attachments = forms.ModelMultipleChoiceField(
        label=_("Remove these files"),
        queryset=ProposalAttachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, proposal: Proposal | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.lang = self.initial.get("language") or settings.LANGUAGE_CODE
        self.fields["title"].widget.attrs.update(similar_attributes(proposal))
        if proposal is not None and proposal.pk and proposal.attachments.exists():
            self.fields["remove_attachments"].queryset = proposal.attachments.order_by(
                "created_at", "pk"
            )
        else:
            del self.fields["remove_attachments"]

    def proposal_changes(self) -> dict[str, Any]:
        """The cleaned data for `create_proposal` / `update_proposal`."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ATTACHMENT_FIELDS}

    def attachment_changes(self) -> dict[str, Any]:
        """The cleaned data for `services.attachments.change_attachments`."""
        return {
            "uploads": self.cleaned_data.get("attachments") or [],
            "remove": list(self.cleaned_data.get("remove_attachments") or []),
        }


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
