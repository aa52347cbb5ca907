"""The district filter every list shares."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from sharehub.core.forms import LabelledModelChoiceField
from sharehub.core.templatetags.maps import hub_map

from .models import District
from .selectors import district_list


class DistrictChoiceField(LabelledModelChoiceField):
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
        return obj.name  # as `label_field` draws it, where an instance is at hand


class PointPickerInput(forms.TextInput):
    """A "latitude,longitude" text field followed by a small map: a click, a dragged pin or "my
    location" fills it (core/js/map.js). Without JavaScript it is the text field it always was."""

    def __init__(self, *, map_label: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.map_label = map_label

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        # The text input as Django draws it, then the map (core.templatetags.maps): the
        # directory's filters draw it on every request, a template of its own cost a tenth of
        # them.
        field = super().render(name, value, attrs, renderer)
        element = self.build_attrs(self.attrs, attrs).get("id", "")
        picker = hub_map(f"{element}-map", self.map_label, pick_point=element, small=True)
        return mark_safe(f"{field}\n{picker}")


class CoordinatePickerInput(forms.NumberInput):
    """The longitude input of a form with latitude and longitude fields, followed by a map where a
    click or a dragged pin fills both. Set by `attach_map_picker`."""

    template_name = "places/widgets/coordinate_picker.html"

    def __init__(
        self, *, latitude_id: str, map_label: str, attrs: dict[str, Any] | None = None
    ) -> None:
        super().__init__({"step": "any", **(attrs or {})})
        self.latitude_id = latitude_id
        self.map_label = map_label

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"].update(latitude_id=self.latitude_id, map_label=self.map_label)
        return context


def attach_map_picker(
    form: forms.BaseForm, *, latitude: str = "latitude", longitude: str = "longitude"
) -> None:
    """Let the person pick the form's place on a map instead of typing its coordinates.

    The two fields stay (typed values still work, and without JavaScript they are the form); the
    map follows the longitude input. A template shows `{% map_assets %}` when `form.has_map_picker`.
    """
    help_text = _("Filled in when you click the map below; you can also type it.")
    form.fields[latitude].help_text = help_text
    form.fields[latitude].widget.attrs.setdefault("step", "any")
    form.fields[longitude].help_text = help_text
    form.fields[longitude].widget = CoordinatePickerInput(
        latitude_id=form[latitude].auto_id,
        map_label=str(_("Map to pick the place")),
        attrs=form.fields[longitude].widget.attrs,
    )
    form.has_map_picker = True  # type: ignore[attr-defined]
