"""Forms of the scoreboard's staff pages: a scoring's details and its rows (criteria, tiers).
The services check everything again; these give labels, widgets and the first type checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sharehub.core.rows import row_formset

from .models import Normalisation, Scoring, ScoringStatus
from .selectors.scoreboard import indicator_choices
from .services.scoreboard import SCORING_FIELDS, CriterionRow, TierRow

# A blank row's select must be blank too: a row nobody touched is left out.
BLANK = ("", "—")
MAX_WON = 10**15


def _day(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ScoringForm(forms.Form):
    """A scoring's details; `slug` only when it is new (fixed afterwards)."""

    slug = forms.SlugField(
        label=_("Address name"),
        max_length=80,
        required=False,
        help_text=_("Letters, digits and hyphens; empty: made from the title."),
    )
    title_ko = forms.CharField(label=_("Title in Korean"), max_length=200)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    description_ko = forms.CharField(
        label=_("Description in Korean"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    description_en = forms.CharField(
        label=_("Description in English"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    period_start = _day(_("Period starts"))
    period_end = _day(_("Period ends"))
    relative_share = forms.IntegerField(
        label=_("Relative part (%)"),
        min_value=0,
        max_value=100,
        initial=50,
        help_text=_(
            "The share of each criterion's points earned by comparison with the best district; "
            "the rest is earned by reaching its target. A criterion without a target is scored "
            "by comparison only."
        ),
    )
    previous = forms.ModelChoiceField(
        label=_("Compared with"),
        queryset=Scoring.objects.none(),
        required=False,
        empty_label=_("The latest published scoring before this period"),
        help_text=_("The published scoring of the previous period, to show each change."),
    )

    def __init__(self, *args: Any, scoring: Scoring | None = None, **kwargs: Any) -> None:
        if scoring is not None:
            kwargs.setdefault("initial", {name: getattr(scoring, name) for name in SCORING_FIELDS})
        super().__init__(*args, **kwargs)
        published = Scoring.objects.filter(status=ScoringStatus.PUBLISHED).order_by(
            "-period_end", "-pk"
        )
        if scoring is not None:
            published = published.exclude(pk=scoring.pk)
            del self.fields["slug"]
        self.fields["previous"].queryset = published  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in SCORING_FIELDS}
        if "slug" in self.fields:
            data["slug"] = self.cleaned_data["slug"]
        return data


def _values(form: forms.Form) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}


class CriterionRowForm(forms.Form):
    indicator = forms.ChoiceField(
        label=_("Indicator"), choices=lambda: [BLANK, *indicator_choices()]
    )
    weight = forms.IntegerField(label=_("Weight (points)"), min_value=1, max_value=100)
    normalisation = forms.ChoiceField(
        label=_("Normalisation"), choices=[BLANK, *Normalisation.choices]
    )
    target = forms.DecimalField(
        label=_("Target"),
        required=False,
        min_value=0,
        max_digits=20,
        decimal_places=4,
        help_text=_("The normalised value that earns the absolute part in full; empty: none."),
    )

    def row(self) -> CriterionRow:
        return CriterionRow(**_values(self))


class TierRowForm(forms.Form):
    name_ko = forms.CharField(label=_("Name in Korean"), max_length=80)
    name_en = forms.CharField(label=_("Name in English"), max_length=80, required=False)
    districts = forms.IntegerField(label=_("Number of districts"), min_value=1, max_value=100)
    prize = forms.IntegerField(label=_("Prize per district (won)"), min_value=0, max_value=MAX_WON)

    def row(self) -> TierRow:
        return TierRow(**_values(self))


CriterionFormSet = row_formset(CriterionRowForm, extra=2)
TierFormSet = row_formset(TierRowForm, extra=1)


def criterion_initial(scoring: Scoring | None) -> list[dict[str, Any]]:
    if scoring is None:
        return []
    return [
        {
            "indicator": c.indicator,
            "weight": c.weight,
            "normalisation": c.normalisation,
            "target": c.target,
        }
        for c in scoring.criteria.order_by("position", "pk")
    ]


def tier_initial(scoring: Scoring | None) -> list[dict[str, Any]]:
    if scoring is None:
        return []
    return [
        {"name_ko": t.name_ko, "name_en": t.name_en, "districts": t.districts, "prize": t.prize}
        for t in scoring.tiers.order_by("position", "pk")
    ]
