from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sharehub.places.models import District

from . import services
from .models import User


class SignupExtraForm(forms.Form):
    """Fields added to allauth's sign-up form: profile and consent to the current terms."""

    # allauth applies this order after it adds its own fields: consent comes last, by the button.
    field_order = [
        "email",
        "password1",
        "password2",
        "display_name",
        "preferred_language",
        "home_district",
        "accept_terms",
    ]

    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES
    )
    home_district = forms.ModelChoiceField(
        label=_("Home district"),
        queryset=District.objects.order_by("name_ko"),
        required=False,
        empty_label=_("Not set"),
    )
    accept_terms = forms.BooleanField(
        label=_("I agree to the terms of use and the privacy policy."),
        error_messages={"required": _("You must agree to the terms to create an account.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = (get_language() or "ko").split("-")[0]
        self.fields["accept_terms"].help_text = format_html(
            '<a href="{}">{}</a>',
            reverse("core:terms"),
            _("Read the terms of use and privacy policy"),
        )

    def signup(self, request: HttpRequest, user: User) -> None:
        services.complete_signup_profile(
            user=user,
            display_name=self.cleaned_data.get("display_name", ""),
            preferred_language=self.cleaned_data["preferred_language"],
            home_district=self.cleaned_data.get("home_district"),
            terms_version=settings.SHAREHUB_TERMS_VERSION,
        )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "preferred_language", "home_district"]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("What the token is for, e.g. 'data sync script'."),
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type DELETE to confirm"),
        max_length=10,
    )

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"]
        if value.strip() != "DELETE":
            raise forms.ValidationError(_("Type DELETE in capital letters to confirm."))
        return value
