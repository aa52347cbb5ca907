from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import KindPreference


class PreferencesForm(forms.Form):
    """One "also by e-mail" checkbox per registered kind of notification."""

    def __init__(self, *args, preferences: list[KindPreference], **kwargs):
        super().__init__(*args, **kwargs)
        for preference in preferences:
            self.fields[preference.kind.code] = forms.BooleanField(
                label=preference.kind.label, required=False, initial=preference.email
            )

    def choices(self) -> dict[str, bool]:
        return {code: bool(self.cleaned_data.get(code)) for code in self.fields}


class OutboxSearchForm(forms.Form):
    q = forms.CharField(label=_("Recipient or subject"), required=False, max_length=200)
