"""The filters of the public article list, declared once (core.filters): the list page renders and
validates them, the API documents and validates the same parameters, the feeds filter the same way
(selectors.public_articles takes the cleaned values)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from sharehub.core.filters import FilterForm
from sharehub.organizations.models import Organization
from sharehub.places.models import District

from .licences import Licence
from .models import ArticleKind, Tag
from .selectors import tags_in_use

Q_MAX_LENGTH = 100


class SlugChoiceField(forms.ChoiceField):
    """The address name (slug) of an existing object. Valid whatever the widget offers: its
    choices (a callable) are read only when the page renders them, never by the API."""

    def __init__(self, *, model: type[models.Model], **kwargs: Any) -> None:
        self.model = model
        super().__init__(**kwargs)

    def valid_value(self, value: Any) -> bool:
        return self.model._default_manager.filter(slug=value).exists()


def _tag_choices() -> list[tuple[str, Any]]:
    return [("", _("All tags")), *tags_in_use().values_list("slug", "name")]


class ArticleFilterForm(FilterForm):
    """Search and filters of /news/ and /api/v1/news/articles. The organization, district and
    licence filters come from links (an organization's page, a district's); the page keeps them as
    hidden fields."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=Q_MAX_LENGTH,
        widget=forms.SearchInput,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *ArticleKind.choices]
    )
    tag = SlugChoiceField(
        label=_("Tag"),
        model=Tag,
        required=False,
        choices=_tag_choices,
        error_messages={"invalid_choice": _("There is no tag with this address name.")},
    )
    organization = SlugChoiceField(
        label=_("Organization"),
        model=Organization,
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("There is no organization with this address name.")},
    )
    district = SlugChoiceField(
        label=_("District"),
        model=District,
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("There is no district with this address name.")},
    )
    licence = forms.ChoiceField(
        label=_("Licence"),
        required=False,
        choices=[("", ""), *Licence.choices],
        widget=forms.HiddenInput,
    )
