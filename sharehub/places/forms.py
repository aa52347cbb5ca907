"""The district filter every list shares."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import District
from .selectors import district_list


class DistrictChoiceField(forms.ModelChoiceField):
    """A district chosen by its address name (slug) and shown by its name: the `district` filter of
    every list, so links such as `?district=gwangjin-gu` mean the same everywhere."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", district_list())
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("label", _("District"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", _("All districts"))
        messages = {"invalid_choice": _("There is no district with this address name.")}
        kwargs["error_messages"] = {**messages, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)

    def label_from_instance(self, obj: District) -> str:
        return obj.name
