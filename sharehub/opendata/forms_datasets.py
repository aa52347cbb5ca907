"""Forms of the data catalogue: the public catalogue's filters, the staff's dataset form (every
metadata field in Korean and English) and the resource forms (upload, replace, generated). The
services check everything again; these give labels, widgets and the first type checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sharehub.core.filters import FilterForm
from sharehub.organizations.models import Organization
from sharehub.places.models import District

from . import generators
from .models import Dataset, DatasetKind, Format, Frequency, Licence, Theme
from .selectors import datasets as selectors
from .services.datasets import UPLOAD_EXTENSIONS

SORT_CHOICES = [
    ("title", _("Title")),
    ("-modified", _("Recently modified")),
    ("-issued", _("Recently issued")),
]
ACCEPT = ",".join(f".{extension}" for extension in UPLOAD_EXTENSIONS)


def _publisher_choices() -> list[tuple[str, Any]]:
    return [
        ("", _("All publishers")),
        ("0", _("The city")),
        *[(str(pk), name) for pk, name in selectors.publishers()],
    ]


def _series_choices() -> list[tuple[str, Any]]:
    return [
        ("", _("All datasets")),
        ("only", _("Dataset series only")),
        ("none", _("Datasets outside any series")),
        *[(series.slug, series.title) for series in selectors.public_series()],
    ]


class CatalogueFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    theme = forms.ChoiceField(
        label=_("Theme"), required=False, choices=[("", _("All themes")), *Theme.choices]
    )
    format = forms.ChoiceField(
        label=_("Format"), required=False, choices=[("", _("All formats")), *Format.choices]
    )
    publisher = forms.TypedChoiceField(
        label=_("Publisher"),
        required=False,
        choices=_publisher_choices,
        coerce=int,
        empty_value=None,
    )
    series = forms.ChoiceField(label=_("Dataset series"), required=False, choices=_series_choices)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)


class DatasetForm(forms.ModelForm):
    """Every metadata field, Korean and English side by side."""

    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        required=False,
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Dataset
        fields = [
            "slug",
            "kind",
            "series",
            "title_ko",
            "title_en",
            "description_ko",
            "description_en",
            "keywords_ko",
            "keywords_en",
            "publisher",
            "contact_name",
            "contact_email",
            "licence",
            "themes",
            "spatial",
            "temporal_start",
            "temporal_end",
            "frequency",
        ]
        labels = {
            "title_ko": _("Title (Korean)"),
            "title_en": _("Title (English)"),
            "description_ko": _("Description (Korean)"),
            "description_en": _("Description (English)"),
            "keywords_ko": _("Keywords (Korean)"),
            "keywords_en": _("Keywords (English)"),
        }
        help_texts = {
            "slug": _("Lower-case letters, digits and hyphens; part of the dataset's address."),
            "publisher": _("Leave empty when the city itself publishes the dataset."),
            "spatial": _("Leave empty for the whole city."),
        }
        widgets = {
            "temporal_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "temporal_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description_ko": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        series = Dataset.objects.filter(kind=DatasetKind.SERIES).order_by("title_ko")
        if self.instance.pk:
            series = series.exclude(pk=self.instance.pk)
        self.fields["series"].queryset = series  # type: ignore[attr-defined]
        self.fields["publisher"].queryset = Organization.objects.order_by("name_ko")  # type: ignore[attr-defined]
        self.fields["spatial"].queryset = District.objects.order_by("name_ko")  # type: ignore[attr-defined]
        self.fields["licence"].choices = Licence.choices  # type: ignore[attr-defined]
        self.fields["frequency"].choices = Frequency.choices  # type: ignore[attr-defined]
        self.fields["title_en"].required = False
        self.fields["description_en"].required = False

    def _post_clean(self) -> None:
        # The service validates and saves; the form only types the input.
        pass

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["themes"] = list(data.get("themes") or [])
        for name in ("title_en", "description_en", "keywords_ko", "keywords_en"):
            data[name] = data.get(name) or ""
        return data

    sections = (
        (_("Title and description"), ("slug", "kind", "series", "title_ko", "title_en")),
        (None, ("description_ko", "description_en", "keywords_ko", "keywords_en", "themes")),
        (_("Publisher and licence"), ("publisher", "contact_name", "contact_email", "licence")),
        (_("Coverage"), ("spatial", "temporal_start", "temporal_end", "frequency")),
    )

    def grouped(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.sections]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, JSON, GeoJSON, XLSX, ODS, PDF or ZIP, up to 50 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        required=False,
    )
    title_ko = forms.CharField(label=_("Title (Korean)"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    description_ko = forms.CharField(
        label=_("Description (Korean)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplaceForm(forms.Form):
    file = forms.FileField(
        label=_("New file"),
        help_text=_("The current file is kept as an earlier version."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        required=False,
    )


class GeneratedForm(forms.Form):
    generator = forms.ChoiceField(label=_("Generated from"), choices=generators.choices)
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[(fmt, Format(fmt).label) for fmt in generators.GENERATED_FORMATS],
    )
    year = forms.IntegerField(
        label=_("Year (indicators only)"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Only the rows of this year, for a single indicator."),
    )
    title_ko = forms.CharField(label=_("Title (Korean)"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)

    def spec(self) -> str:
        generator = self.cleaned_data["generator"]
        year = self.cleaned_data.get("year")
        if year and generator.startswith("indicator/"):
            return f"{generator}/{year}"
        return generator


class StaffFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
