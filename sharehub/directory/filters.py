"""The browse filters, declared once (core.filters): the list page, the map, the GeoJSON endpoint
and the API all validate their query with `ListingFilterForm`, and the selectors take its cleaned
values (`selectors.ListingQuery`).

Every bad value is a field error in the reader's language; a page shows it next to the results
while the valid filters still apply, the GeoJSON endpoint and the API answer 422.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sharehub.core.filters import FilterForm
from sharehub.core.forms import LabelledModelChoiceField
from sharehub.places.forms import DistrictChoiceField, PointPickerInput

from .models import Listing, PriceType, Sort
from .selectors import active_categories

Q_MAX_LENGTH = 100
SUGGESTIONS_ID = "q-suggestions"
TRUE_WORDS = frozenset({"1", "true", "on", "yes"})
FALSE_WORDS = frozenset({"", "0", "false", "off", "no"})


def parse_near(text: str) -> tuple[float, float] | None:
    """'lat,lon' in degrees, or None when it is not a point on Earth."""
    parts = text.split(",")
    if len(parts) != 2:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def autocomplete_attributes() -> dict[str, str]:
    """htmx asks search's suggest endpoint as the person types; without JavaScript the field is a
    plain search box. core/js/combobox.js makes the list a keyboard-usable listbox. The request
    must not inherit the filter form's target, swap or history push."""
    return {
        "autocomplete": "off",
        "role": "combobox",
        "aria-autocomplete": "list",
        "aria-expanded": "false",
        "aria-controls": SUGGESTIONS_ID,
        "data-hx-get": reverse("search:suggest"),
        "data-hx-vals": json.dumps({"model": Listing._meta.label_lower}),
        "data-hx-trigger": "input changed delay:300ms",
        "data-hx-target": f"#{SUGGESTIONS_ID}",
        "data-hx-swap": "innerHTML",
        "data-hx-push-url": "false",
        "data-hx-sync": "this:replace",
        "data-combobox": "submit",
    }


def _checked(value: Any) -> bool:
    return str(value).strip().lower() in TRUE_WORDS


class YesNoCheckbox(forms.CheckboxInput):
    """Hands the field the raw word (CheckboxInput would turn any word, even "0", into True)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, check_test=_checked)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class YesNoField(forms.BooleanField):
    """A checkbox on the page; in a shared link or the API also true/false, 1/0, yes/no, on/off.
    Any other word is an error."""

    widget = YesNoCheckbox
    default_error_messages = {"invalid": _("Enter true or false.")}

    def to_python(self, value: Any) -> bool:
        if value is None or isinstance(value, bool):
            return bool(value)
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class ListingFilterForm(FilterForm):
    """Search and filters of /directory/, its map, its GeoJSON and /api/v1/directory/listings."""

    # Shown first; the rest fold away (on a phone seven fields would fill the screen before any result).
    PRIMARY = ("q", "category", "district")

    q = forms.CharField(
        label=_("Search"),
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"maxlength": Q_MAX_LENGTH}),
    )
    category = LabelledModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=active_categories(),
        to_field_name="slug",
        empty_label=_("All categories"),
        error_messages={"invalid_choice": _("There is no category with this address name.")},
    )
    district = DistrictChoiceField()
    price = forms.ChoiceField(
        label=_("Price"),
        required=False,
        choices=[("", _("Any price")), *PriceType.choices],
        error_messages={"invalid_choice": _("Select a valid choice.")},
    )
    designated = YesNoField(label=_("Designated by the city only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=Sort.choices,
        error_messages={"invalid_choice": _("Select a valid choice.")},
    )
    near = forms.CharField(
        label=_("Near (latitude,longitude)"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 60}),
        help_text=_("For example 37.5665,126.9780"),
    )

    def __init__(self, *args: Any, near_picker: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # type="text": a combobox (the suggestions) may not be an <input type="search"> in HTML.
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Name, service or keyword"), **autocomplete_attributes()}
        )
        if near_picker:
            # The list sorts by distance from a point: the browser's location or one picked on a
            # map (the page then loads the map's assets: `has_map_picker`).
            self.fields["near"].widget = PointPickerInput(
                map_label=str(_("Map to pick the point to sort by distance")),
                attrs=self.fields["near"].widget.attrs,
            )
            self.has_map_picker = True

    def distance_without_point(self) -> bool:
        """Sorting by distance was asked but no usable point given: the page says so."""
        return self.is_bound and self.data.get("sort") == Sort.DISTANCE and "near" in self.errors

    def clean_q(self) -> str:
        q = self.cleaned_data["q"]
        if len(q) > Q_MAX_LENGTH:
            raise ValidationError(
                _("Keep the search under %(limit)d characters.") % {"limit": Q_MAX_LENGTH}
            )
        return q

    def clean_near(self) -> tuple[float, float] | None:
        text = self.cleaned_data["near"]
        if not text:
            return None
        near = parse_near(text)
        if near is None:
            raise ValidationError(
                _("Give a point as latitude,longitude, for example 37.5665,126.9780.")
            )
        return near

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("sort") == Sort.DISTANCE and not data.get("near") and "near" not in self.errors:
            self.add_error("near", _("Give a point to sort by distance."))
        return data

    def primary_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.PRIMARY]

    def more_fields(self) -> list[forms.BoundField]:
        return [field for field in self if field.name not in self.PRIMARY]

    def more_in_use(self) -> bool:
        return any(self.data.get(field.name) for field in self.more_fields())
