from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.forms import BoundField
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _

from sharehub.places.models import District

from . import services
from .consents import CONSENTS_BY_KIND, PRIVACY_NOTICE, SIGNUP_CONSENTS, missing_message
from .models import Consent, User


class NoColonMixin:
    """Labels without Django's ":" suffix: Korean forms put none after a label, and the hub's
    English follows the same layout."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SignupExtraForm(NoColonMixin, forms.Form):
    """Fields added to allauth's sign-up form (with a password, or after Kakao or Naver): the
    profile, the age confirmation and each consent separately (`consents.SIGNUP_CONSENTS`)."""

    # allauth applies this order after it adds its own fields: the consents come last, by the button.
    field_order = [
        "email",
        "password1",
        "password2",
        "display_name",
        "preferred_language",
        "home_district",
        *(spec.field_name for spec in SIGNUP_CONSENTS),
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = (get_language() or "ko").split("-")[0]
        for spec in SIGNUP_CONSENTS:
            self.fields[spec.field_name] = forms.BooleanField(
                label=spec.label,
                required=spec.required,
                error_messages={"required": missing_message(spec.kind)},
            )
        self.fields[CONSENTS_BY_KIND[Consent.Kind.AGE].field_name].help_text = _(
            "Children under 14 cannot create an account: the law asks for a legal guardian's "
            "consent, which the hub cannot collect online."
        )
        self.fields[CONSENTS_BY_KIND[Consent.Kind.TERMS].field_name].help_text = format_html(
            '<a href="{}">{}</a>', reverse("core:terms"), _("Read the terms of use")
        )
        self.fields[CONSENTS_BY_KIND[Consent.Kind.NEWSLETTER].field_name].help_text = _(
            "You can withdraw this consent at any time on your privacy page."
        )

    def account_fields(self) -> list[BoundField]:
        """The fields above the consents (e-mail, passwords, profile)."""
        consent_names = {spec.field_name for spec in SIGNUP_CONSENTS}
        return [field for field in self.visible_fields() if field.name not in consent_names]

    def consent_fields(self) -> list[dict[str, Any]]:
        """Each consent's field with what the template shows beside it."""
        return [
            {
                "field": self[spec.field_name],
                "required": spec.required,
                "notice": PRIVACY_NOTICE if spec.kind == Consent.Kind.PRIVACY else (),
            }
            for spec in SIGNUP_CONSENTS
        ]

    def signup(self, request: HttpRequest, user: User) -> None:
        services.complete_signup_profile(
            user=user,
            display_name=self.cleaned_data.get("display_name", ""),
            preferred_language=self.cleaned_data["preferred_language"],
            home_district=self.cleaned_data.get("home_district"),
            consents=[
                spec.kind for spec in SIGNUP_CONSENTS if self.cleaned_data.get(spec.field_name)
            ],
            ip_address=client_ip(request),
        )


def client_ip(request: HttpRequest) -> str | None:
    """The address a consent came from, as allauth sees it (its trusted-proxy settings)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None


class ProfileForm(NoColonMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "preferred_language", "home_district"]


class ApiTokenForm(NoColonMixin, forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("What the token is for, e.g. 'data sync script'."),
    )


def deletion_phrase(language: str | None = None) -> str:
    """The words a person types to delete their account, in their language (the button's words)."""
    if language is None:
        return pgettext("account deletion phrase", "delete my account")
    with translation.override(language):
        return pgettext("account deletion phrase", "delete my account")


def _normalized(text: str) -> str:
    return " ".join(text.split()).casefold()


class DeleteAccountForm(NoColonMixin, forms.Form):
    """Deleting an account is confirmed by typing a phrase in the reader's language; the phrase of
    any language the hub offers is accepted (a person reading the other language's page)."""

    confirm = forms.CharField(max_length=80)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.phrase = deletion_phrase()
        self.fields["confirm"].label = format_html(
            _("Type “<strong>{phrase}</strong>” to confirm"), phrase=self.phrase
        )
        self.fields["confirm"].widget.attrs.update(autocomplete="off", spellcheck="false")

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"]
        accepted = {_normalized(deletion_phrase(code)) for code, _name in settings.LANGUAGES}
        if _normalized(value) not in accepted:
            raise forms.ValidationError(
                _("Type “%(phrase)s” exactly to confirm."), params={"phrase": self.phrase}
            )
        return value


class StaffSearchForm(NoColonMixin, forms.Form):
    """The search on the administrators' staff page."""

    q = forms.CharField(label=_("E-mail or name"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[
            ("", _("Everyone")),
            ("privileged", _("Any role")),
            ("city_staff", _("City staff")),
            ("moderator", _("Moderator")),
            ("administrator", _("Administrator")),
        ],
    )


class StaffRoleForm(NoColonMixin, forms.Form):
    """Give or remove one role, with the reason the person and the record read."""

    role = forms.ChoiceField(label=_("Role"), choices=services.StaffRole.choices)
    granted = forms.TypedChoiceField(
        label=_("Change"),
        choices=[("1", _("Give the role")), ("0", _("Remove the role"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class TwoFactorResetForm(NoColonMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
