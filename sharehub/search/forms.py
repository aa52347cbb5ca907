"""The hub's search box (page and API, declared once) and the synonym dictionary's form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sharehub.core.filters import FilterForm

from .catalog import kinds
from .models import SynonymGroup

Q_MAX_LENGTH = 100


def _kind_choices() -> list[tuple[str, Any]]:
    return [("", _("Everything"))] + [
        (entry.kind.code, entry.kind.label) for entry in kinds() if entry.kind is not None
    ]


class SearchForm(FilterForm):
    """What the hub's search page and /api/v1/search read."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"maxlength": Q_MAX_LENGTH, "type": "search"}),
        help_text=_("Words as you would say them; a district's name keeps what is there."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=_kind_choices,
        error_messages={"invalid_choice": _("Select a valid choice.")},
    )

    def clean_q(self) -> str:
        q = self.cleaned_data["q"]
        if len(q) > Q_MAX_LENGTH:
            raise ValidationError(
                _("Keep the search under %(limit)d characters.") % {"limit": Q_MAX_LENGTH}
            )
        return q


class SynonymGroupForm(forms.ModelForm):
    """The words as one text: the service splits them (commas, middle dots, lines) and checks them."""

    words = forms.CharField(
        label=_("Words"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Korean or English words that mean the same in a search, separated by commas, for "
            "example: 대여, 빌리기, 렌탈, rental"
        ),
    )

    class Meta:
        model = SynonymGroup
        fields = ["words", "note"]
        help_texts = {"note": _("Why these belong together (only staff see it).")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["words"] = ", ".join(self.instance.words)

    def service_fields(self) -> dict[str, Any]:
        return {"words": self.cleaned_data["words"], "note": self.cleaned_data.get("note", "")}
