"""The proposal list's filters, declared once (core.filters): the page and the API use this form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sharehub.core.filters import FilterForm
from sharehub.core.forms import LabelledModelChoiceField
from sharehub.places.forms import DistrictChoiceField

from .models import PUBLIC_STATES, Committee, PolicyArea, ProposalState

SORTS = [
    ("supports", _("Most supported")),
    ("newest", _("Newest")),
]


def _state_choices() -> list[tuple[str, Any]]:
    return [("", _("All states"))] + [
        (value, label) for value, label in ProposalState.choices if value in PUBLIC_STATES
    ]


class ProposalFilterForm(FilterForm):
    state = forms.ChoiceField(label=_("State"), required=False, choices=_state_choices)
    area = LabelledModelChoiceField(
        label=_("Policy area"),
        required=False,
        queryset=PolicyArea.objects.all(),
        to_field_name="slug",
        empty_label=_("All areas"),
        error_messages={"invalid_choice": _("There is no policy area with this address name.")},
    )
    district = DistrictChoiceField()
    committee = LabelledModelChoiceField(
        label=_("Committee"),
        required=False,
        queryset=Committee.objects.all(),
        to_field_name="slug",
        empty_label=_("All committees"),
        error_messages={"invalid_choice": _("There is no committee with this address name.")},
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)
