"""The space list's filters, declared once (core.filters): the page and the API use this form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sharehub.core.filters import FilterForm
from sharehub.places.forms import DistrictChoiceField

from .models import Feature


class SpaceFilterForm(FilterForm):
    district = DistrictChoiceField()
    day = forms.DateField(
        label=_("Free on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    start = forms.TimeField(
        label=pgettext_lazy("time", "From"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end = forms.TimeField(
        label=_("Until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    people = forms.IntegerField(
        label=pgettext_lazy("number of people", "People"),
        required=False,
        min_value=1,
        max_value=10000,
    )
    free_of_charge = forms.BooleanField(label=_("Free of charge"), required=False)
    features = forms.ModelMultipleChoiceField(
        label=_("Amenities and accessibility"),
        required=False,
        queryset=Feature.objects.all(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    near = forms.CharField(
        label=_("Near (latitude,longitude)"), required=False, widget=forms.HiddenInput
    )

    def clean_near(self) -> tuple[float, float] | None:
        value = self.cleaned_data.get("near") or ""
        if not value:
            return None
        try:
            lat, lon = (float(part) for part in value.split(","))
        except ValueError:
            raise ValidationError(_("Give a latitude and a longitude, as 37.56,126.97.")) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError(_("Give a latitude and a longitude, as 37.56,126.97."))
        return lat, lon

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start >= end:
            self.add_error("end", _("The end must be after the start."))
        return data
