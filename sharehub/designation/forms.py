from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sharehub.core.filters import FilterForm

from .documents import ACCEPT_ATTRIBUTE, MAX_DOCUMENT_BYTES
from .models import (
    REASON_LIMIT,
    TEXT_LIMIT,
    ApplicationStatus,
    ChecklistItem,
    DesignationKind,
    DesignationStatus,
)


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Designation sought"), choices=DesignationKind.choices)
    activities = forms.CharField(
        label=_("Sharing activities"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the organization shares, with whom, and since when."),
    )
    plan = forms.CharField(
        label=_("Operating plan"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("How the activities will continue over the designation period."),
    )


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Document"),
        help_text=lazy(
            lambda: (
                gettext("PDF, HWP, HWPX, DOCX, PNG or JPEG, at most %(size)d MB.")
                % {"size": MAX_DOCUMENT_BYTES // (1024 * 1024)}
            ),
            str,
        )(),
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=REASON_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )
    internal = forms.BooleanField(label=_("Internal note (city staff only)"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )


class ChecklistForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=_("Checklist"),
        choices=ChecklistItem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ApproveForm(forms.Form):
    designated_on = forms.DateField(
        label=_("Designated on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Today if left empty."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("By default the designation period of the city's rules."),
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QueueFilterForm(FilterForm):
    """The applications list's filters, for the staff queue page and the API's list.

    Drafts are the applicant's own business: the staff queue does not offer them (`drafts=False`);
    the API's list, which members use too, does.
    """

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ApplicationStatus.choices]
    )

    def __init__(self, *args: Any, drafts: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not drafts:
            status = cast(forms.ChoiceField, self.fields["status"])
            status.choices = [c for c in status.choices if c[0] != ApplicationStatus.DRAFT]


class DesignationFilterForm(FilterForm):
    """The designations list's filters (the API's public list): `active` means currently valid,
    `expired` includes active rows whose validity has ended."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *DesignationStatus.choices]
    )
