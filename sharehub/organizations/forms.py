from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from sharehub.core.filters import FilterForm
from sharehub.core.validators import validate_header_value
from sharehub.places.forms import DistrictChoiceField
from sharehub.places.selectors import district_list

from .logos import ACCEPT_ATTRIBUTE, MAX_LOGO_BYTES, MAX_LOGO_SIDE
from .models import MemberRole, Organization, OrganizationKind
from .services import EDITABLE_FIELDS, OrganizationChanges

SEARCH_MAX_LENGTH = 100


class OrganizationForm(forms.ModelForm):
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=lazy(
            lambda: (
                gettext(
                    "PNG, JPEG or WebP, at most %(size)d MB. It is stored at most %(side)d pixels wide."
                )
                % {"size": MAX_LOGO_BYTES // (1024 * 1024), "side": MAX_LOGO_SIDE}
            ),
            str,
        )(),
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    class Meta:
        model = Organization
        fields = list(EDITABLE_FIELDS)
        labels = {
            "name_ko": _("Name in Korean"),
            "name_en": _("Name in English"),
            "description_ko": _("Description in Korean"),
            "description_en": _("Description in English"),
        }
        help_texts = {
            "name_en": _("Optional. Also used for the web address of the organization's page."),
            "website": _("The full address, starting with https://"),
            "description_ko": _("Plain text. Blank lines separate paragraphs."),
            "description_en": _("Optional. Shown to visitors who read the hub in English."),
        }
        widgets = {
            "description_ko": forms.Textarea(attrs={"rows": 6}),
            "description_en": forms.Textarea(attrs={"rows": 6}),
            "website": forms.URLInput(attrs={"placeholder": "https://"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Choose a type")), *list(OrganizationKind.choices)]
        self.fields["district"].queryset = district_list()
        self.fields["district"].empty_label = _("No district (city-wide)")
        for name in ("name_ko", "name_en"):  # names go into the subjects of notification mails
            self.fields[name].validators.append(validate_header_value)

    def fieldsets(self) -> list[tuple[str, list]]:
        groups = [
            (_("Name and type"), ["name_ko", "name_en", "kind"]),
            (_("Where and how to reach it"), ["district", "address", "website", "email", "phone"]),
            (_("Description"), ["description_ko", "description_en"]),
        ]
        return [(legend, [self[name] for name in names]) for legend, names in groups]

    def service_fields(self) -> OrganizationChanges:
        return cast(
            OrganizationChanges, {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}
        )


class OrganizationEditForm(OrganizationForm):
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)


class OrganizationFilterForm(FilterForm):
    """The public list's filters, for the page and the API (`core.filters`)."""

    q = forms.CharField(label=_("Name"), required=False, max_length=SEARCH_MAX_LENGTH)
    district = DistrictChoiceField()
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("All types")), *list(OrganizationKind.choices)],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One type attribute (attrs["type"] would add a second).
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update({"placeholder": _("Search by name")})


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.EDITOR)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "off"})


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)


class NameChangeDecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("approve", pgettext_lazy("name change", "Approve")),
            ("reject", pgettext_lazy("name change", "Reject")),
        ]
    )
    reason = forms.CharField(
        label=_("Reason (required to reject; the organization will read it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
