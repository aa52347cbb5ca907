from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sharehub.core.forms import label_translations
from sharehub.places.forms import attach_map_picker
from sharehub.places.selectors import district_list

from .models import Category, Listing, ListingAddress, ListingPhoto, PriceType, Service
from .selectors import active_categories
from .services import (
    ADDRESS_FIELDS,
    CATEGORY_FIELDS,
    LISTING_FIELDS,
    MAX_LINKS,
    PHOTO_FIELDS,
    SERVICE_FIELDS,
)


class ListingForm(forms.ModelForm):
    links_text = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One a line: a label, a vertical bar, then the address. For example: Blog | https://example.org"
        ),
    )

    class Meta:
        model = Listing
        fields = [*list(LISTING_FIELDS), "categories", "districts_served"]
        labels = {
            "summary_ko": _("Summary in Korean"),
            "summary_en": _("Summary in English"),
            "description_ko": _("Description in Korean"),
            "description_en": _("Description in English"),
            "opening_hours_ko": _("Opening hours in Korean"),
            "opening_hours_en": _("Opening hours in English"),
        }
        widgets = {
            "categories": forms.CheckboxSelectMultiple,
            "districts_served": forms.CheckboxSelectMultiple,
            "description_ko": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 5}),
            "opening_hours_ko": forms.Textarea(attrs={"rows": 2}),
            "opening_hours_en": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = active_categories()
        self.fields["districts_served"].queryset = district_list()
        if self.instance.pk and not self.is_bound:
            self.initial["links_text"] = "\n".join(
                f"{link.label} | {link.url}" for link in self.instance.links.all()
            )

    def clean_links_text(self) -> list[dict]:
        links = []
        for line in self.cleaned_data["links_text"].splitlines():
            if not line.strip():
                continue
            label, bar, url = line.partition("|")
            if not bar:
                raise ValidationError(
                    _("Separate the label and the address with a vertical bar (|).")
                )
            links.append({"label": label.strip(), "url": url.strip()})
        if len(links) > MAX_LINKS:
            raise ValidationError(_("Give at most %(limit)d links.") % {"limit": MAX_LINKS})
        return links

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in LISTING_FIELDS}
        fields["categories"] = list(self.cleaned_data["categories"])
        fields["districts_served"] = list(self.cleaned_data["districts_served"])
        fields["links"] = self.cleaned_data["links_text"]
        return fields


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = list(SERVICE_FIELDS)
        labels = {
            "name_ko": _("Name in Korean"),
            "name_en": _("Name in English"),
            "description_ko": _("Description in Korean"),
            "description_en": _("Description in English"),
            "how_to_use_ko": _("How to use it, in Korean"),
            "how_to_use_en": _("How to use it, in English"),
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("description_ko", "description_en", "how_to_use_ko", "how_to_use_en")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = active_categories()

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in SERVICE_FIELDS}


class AddressForm(forms.ModelForm):
    # The coordinates last: the map that fills them follows them (places.forms.attach_map_picker).
    field_order = ["label_ko", "label_en", "address", "district", "latitude", "longitude"]

    class Meta:
        model = ListingAddress
        fields = list(ADDRESS_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_translations(self, ListingAddress)
        # Each language's field with an example in that language, said in the page's.
        for name, examples in (
            ("label_ko", "본점, 광진구 일대"),
            ("label_en", "main office, around Gwangjin-gu"),
        ):
            self.fields[name].help_text = _("For example: %(examples)s") % {"examples": examples}
        self.fields["district"].queryset = district_list()
        attach_map_picker(self)

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ADDRESS_FIELDS}


class PhotoEditForm(forms.ModelForm):
    class Meta:
        model = ListingPhoto
        fields = list(PHOTO_FIELDS)
        labels = {
            "alt_ko": _("Text alternative in Korean"),
            "alt_en": _("Text alternative in English"),
        }
        help_texts = {"alt_ko": _("What the photo shows, for people who cannot see it.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alt_ko"].required = True

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in PHOTO_FIELDS}


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = list(CATEGORY_FIELDS)
        labels = {
            "name_ko": _("Name in Korean"),
            "name_en": _("Name in English"),
            "description_ko": _("Description in Korean"),
            "description_en": _("Description in English"),
        }

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in CATEGORY_FIELDS}


class NewListingSuggestionForm(forms.Form):
    name_ko = forms.CharField(label=_("Name in Korean"), max_length=120)
    name_en = forms.CharField(label=_("Name in English"), max_length=120, required=False)
    website = forms.URLField(
        label=_("Website"), max_length=300, required=False, assume_scheme="https"
    )
    summary_ko = forms.CharField(
        label=_("Summary in Korean"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    summary_en = forms.CharField(
        label=_("Summary in English"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    message = forms.CharField(
        label=_("Message to the moderators"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [
            (c.slug, c.name) for c in active_categories()
        ]
        self.fields["district"].choices = [("", "—")] + [(d.slug, d.name) for d in district_list()]

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "message"}


class NewServiceSuggestionForm(forms.Form):
    name_ko = forms.CharField(label=_("Name in Korean"), max_length=120)
    name_en = forms.CharField(label=_("Name in English"), max_length=120, required=False)
    description_ko = forms.CharField(
        label=_("Description in Korean"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    price_type = forms.ChoiceField(label=_("Price"), choices=PriceType.choices)
    category = forms.ChoiceField(label=_("Category"), required=False)
    link = forms.URLField(label=_("Link"), max_length=300, required=False, assume_scheme="https")
    message = forms.CharField(
        label=_("Message to the moderators"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [
            (c.slug, c.name) for c in active_categories()
        ]

    values = NewListingSuggestionForm.values


class CorrectionSuggestionForm(forms.Form):
    summary_ko = forms.CharField(
        label=_("Summary in Korean"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    summary_en = forms.CharField(
        label=_("Summary in English"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    opening_hours_ko = forms.CharField(
        label=_("Opening hours in Korean"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Contact e-mail"), required=False)
    message = forms.CharField(
        label=_("What is wrong, and your source"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    values = NewListingSuggestionForm.values


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 or CP949 (EUC-KR, what Korean Excel saves), at most 2 MB, with the header "
            "row described below."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )
