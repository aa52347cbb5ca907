"""Forms of the staff's space pages: the space, its rows (hours, fee table, refund bands), its staff
and its photos. The services check everything again; these give labels, widgets and the first
type checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model, model_to_dict
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sharehub.core.rows import row_formset
from sharehub.places.forms import DistrictChoiceField, attach_map_picker

from .models import DayKind, Purpose, Space
from .selectors.spaces import accessibility, amenities
from .services.spaces import SPACE_FIELDS, BandRow, FeeRow, HoursRow

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
# A blank row's select must be blank too: a row nobody touched is left out.
BLANK = ("", "—")

# Sections of the space form, in order: (legend, field names).
SECTIONS: list[tuple[Any, list[str]]] = [
    (
        _("Name and description"),
        ["slug", "name_ko", "name_en", "description_ko", "description_en"],
    ),
    (
        _("Managing office and place"),
        ["office_ko", "office_en", "district", "road_address", "latitude", "longitude"],
    ),
    (
        _("Room"),
        ["capacity", "area_m2", "amenities", "accessibility"],
    ),
    (
        pgettext_lazy("fee", "Fee"),
        ["fee_mode", "fee_amount", "block_minutes", "exemptions_ko", "exemptions_en"],
    ),
    (
        _("When and how long"),
        [
            "opens_days_ahead",
            "closes_days_ahead",
            "slot_minutes",
            "min_minutes",
            "max_minutes",
            "closed_on_holidays",
        ],
    ),
    (
        _("Who may book, and for what"),
        [
            "max_hours_per_day",
            "max_bookings_per_month",
            "eligibility",
            "excluded_purposes",
            "confirmation",
            "request_hours",
            "payment_hours",
        ],
    ),
    (
        _("Fairness"),
        [
            "allocation",
            "lottery_draw_days",
            "human_seconds",
            "no_show_limit",
            "suspension_days",
        ],
    ),
]

LABELS = {
    "name_ko": _("Name in Korean"),
    "name_en": _("Name in English"),
    "description_ko": _("Description in Korean"),
    "description_en": _("Description in English"),
    "office_ko": _("Managing office in Korean"),
    "office_en": _("Managing office in English"),
    "exemptions_ko": _("Exemptions and reductions in Korean"),
    "exemptions_en": _("Exemptions and reductions in English"),
}


class SpaceForm(forms.Form):
    """A space's details and rules; `creating` adds its address name (fixed afterwards)."""

    slug = forms.SlugField(
        label=_("Address name"),
        max_length=80,
        required=False,
        help_text=_("Letters, digits and hyphens; empty: made from the name."),
    )
    amenities = forms.ModelMultipleChoiceField(
        label=_("Amenities"),
        queryset=amenities(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accessibility = forms.ModelMultipleChoiceField(
        label=_("Accessibility"),
        queryset=accessibility(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    excluded_purposes = forms.MultipleChoiceField(
        label=_("Excluded purposes"),
        choices=Purpose.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Seoul's spaces are never booked for political, religious or commercial use."),
    )

    def __init__(self, *args: Any, space: Space | None = None, **kwargs: Any) -> None:
        model_fields = [f for f in SPACE_FIELDS if f not in ("district", "excluded_purposes")]
        if space is not None:
            initial = model_to_dict(space, fields=model_fields)
            initial["district"] = space.district.slug
            initial["excluded_purposes"] = sorted(space.excluded)
            codes = {f.kind: [] for f in space.features.all()}
            for feature in space.features.all():
                codes[feature.kind].append(feature.code)
            initial["amenities"] = codes.get("amenity", [])
            initial["accessibility"] = codes.get("access", [])
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Space, fields=model_fields, labels=LABELS))
        self.fields["district"] = DistrictChoiceField(required=True, empty_label=None)
        for name in ("name_ko", "office_ko", "description_ko", "road_address"):
            self.fields[name].required = True
        for name in ("name_en", "description_en", "office_en", "exemptions_en", "exemptions_ko"):
            self.fields[name].required = False
        for name in ("description_ko", "description_en", "exemptions_ko", "exemptions_en"):
            self.fields[name].widget = forms.Textarea(attrs={"rows": 4})
        if space is not None:
            del self.fields["slug"]
        attach_map_picker(self)
        # Fields in their sections' order (the map follows the longitude input).
        order = [name for _legend, names in SECTIONS for name in names if name in self.fields]
        self.order_fields(order)

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in SECTIONS
        ]

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in SPACE_FIELDS if name in self.cleaned_data}
        data["features"] = [f.code for f in self.cleaned_data["amenities"]] + [
            f.code for f in self.cleaned_data["accessibility"]
        ]
        if "slug" in self.cleaned_data:
            data["slug"] = self.cleaned_data["slug"]
        return data


# --- rows ----------------------------------------------------------------------------------------


class HoursRowForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Day of the week"), choices=[BLANK, *WEEKDAYS.items()], coerce=int
    )
    opens = forms.TimeField(label=_("Opens"), widget=TIME)
    closes = forms.TimeField(label=_("Closes"), widget=TIME)

    def row(self) -> HoursRow:
        return HoursRow(**{k: self.cleaned_data[k] for k in ("weekday", "opens", "closes")})


class FeeRowForm(forms.Form):
    day_kind = forms.ChoiceField(label=_("Days"), choices=[BLANK, *DayKind.choices])
    starts = forms.TimeField(label=pgettext_lazy("fee rate", "From"), widget=TIME)
    amount = forms.IntegerField(label=_("Fee (won)"), min_value=0, max_value=10_000_000)

    def row(self) -> FeeRow:
        return FeeRow(**{k: self.cleaned_data[k] for k in ("day_kind", "starts", "amount")})


class BandRowForm(forms.Form):
    days_before = forms.IntegerField(label=_("Days before"), min_value=0, max_value=365)
    percent = forms.IntegerField(label=_("Refund (%)"), min_value=0, max_value=100)

    def row(self) -> BandRow:
        return BandRow(
            days_before=self.cleaned_data["days_before"], percent=self.cleaned_data["percent"]
        )


HoursFormSet = row_formset(HoursRowForm, extra=4)
FeeFormSet = row_formset(FeeRowForm)
BandFormSet = row_formset(BandRowForm)


# --- staff and photos ----------------------------------------------------------------------------


class StaffForm(forms.Form):
    emails = forms.CharField(
        label=_("The space's staff"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Their accounts' e-mail addresses, one a line."),
    )

    def emails_list(self) -> list[str]:
        return [line for line in self.cleaned_data["emails"].splitlines() if line.strip()]


class PhotoTextForm(forms.Form):
    alt_ko = forms.CharField(label=_("Text alternative in Korean"), max_length=200)
    alt_en = forms.CharField(label=_("Text alternative in English"), max_length=200, required=False)
