"""Forms of the official statistics (import, indicator editor) and the query of the indicator and
statistics API (`IndicatorQueryForm`, `StatisticsQueryForm`: the API validates with them)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sharehub.core.filters import FilterForm
from sharehub.core.forms import label_translations
from sharehub.opendata.indicators import Indicator
from sharehub.opendata.models import OfficialIndicator
from sharehub.opendata.services.statistics import INDICATOR_FIELDS
from sharehub.places.models import District

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
YEAR_OR_MONTH = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


def parse_month(value: str, *, years: bool = False) -> date:
    """The first day of "YYYY-MM" (or of "YYYY" when `years`); a ValidationError otherwise."""
    match = (YEAR_OR_MONTH if years else MONTH).match(value.strip())
    month = int(match.group(2) or 1) if match else 0
    if not match or not 1 <= month <= 12 or int(match.group(1)) < 1900:
        raise ValidationError(
            _("Enter a year or a month as YYYY or YYYY-MM.")
            if years
            else _("Enter a month as YYYY-MM."),
            code="invalid",
        )
    return date(int(match.group(1)), month, 1)


class _PeriodForm(FilterForm):
    years = False

    start = forms.CharField(required=False, label=_("From"), help_text=_("YYYY-MM"))
    end = forms.CharField(required=False, label=_("Until"), help_text=_("YYYY-MM"))
    district = forms.CharField(required=False, label=_("District"), help_text=_("A district code"))

    def clean_start(self) -> date | None:
        value = self.cleaned_data.get("start") or ""
        return parse_month(value, years=self.years) if value else None

    def clean_end(self) -> date | None:
        value = self.cleaned_data.get("end") or ""
        return parse_month(value, years=self.years) if value else None

    def clean_district(self) -> str | None:
        code = (self.cleaned_data.get("district") or "").strip()
        if not code:
            return None
        if not District.objects.filter(code=code).exists():
            raise ValidationError(_("There is no district with this code."), code="invalid")
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end comes before the start."))
        return data


class IndicatorQueryForm(_PeriodForm):
    """The rows asked of a live indicator: grouped `by` some of its dimensions, within filters."""

    by = forms.CharField(
        required=False,
        label=_("Grouped by"),
        help_text=_("period, district and/or category, separated by commas (default: period)"),
    )
    category = forms.CharField(required=False, label=_("Category"), help_text=_("A category key"))

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator

    def clean_by(self) -> tuple[str, ...]:
        text = self.cleaned_data.get("by") or ""
        names = [name.strip() for name in text.split(",") if name.strip()] or ["period"]
        wrong = [name for name in names if name not in self.indicator.dimensions]
        if wrong:
            raise ValidationError(
                _("This indicator can be grouped by: %(names)s.")
                % {"names": ", ".join(self.indicator.dimensions)},
                code="invalid",
            )
        return tuple(dict.fromkeys(names))

    def clean_district(self) -> str | None:
        code = super().clean_district()
        if code and "district" not in self.indicator.dimensions:
            raise ValidationError(_("This indicator has no districts."), code="invalid")
        return code

    def clean_category(self) -> str | None:
        key = (self.cleaned_data.get("category") or "").strip()
        if not key:
            return None
        if self.indicator.categories is None or "category" not in self.indicator.dimensions:
            raise ValidationError(_("This indicator has no categories."), code="invalid")
        if key not in self.indicator.categories():
            raise ValidationError(_("There is no category with this key."), code="invalid")
        return key


class StatisticsQueryForm(_PeriodForm):
    """The values asked of an official indicator: periods starting within [start, end]."""

    years = True

    start = forms.CharField(required=False, label=_("From"), help_text=_("YYYY or YYYY-MM"))
    end = forms.CharField(required=False, label=_("Until"), help_text=_("YYYY or YYYY-MM"))


class StatisticImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 (with or without a BOM) or CP949, at most 2 MB."),
    )


class ConfirmImportForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


class OfficialIndicatorForm(forms.ModelForm):
    class Meta:
        model = OfficialIndicator
        fields = list(INDICATOR_FIELDS)
        widgets = {
            "definition_ko": forms.Textarea(attrs={"rows": 3}),
            "definition_en": forms.Textarea(attrs={"rows": 3}),
            "method_ko": forms.Textarea(attrs={"rows": 3}),
            "method_en": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "code": _(
                "Letters, digits and hyphens: the import's indicator column and scorings (official:<code>) refer to it."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label_translations(self, OfficialIndicator)
