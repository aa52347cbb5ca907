"""Form widgets that a script enhances and that work as they are without it.

- `RichTextarea`: a textarea of HTML that core/js/editor.js turns into the vendored Quill editor
  (headings, lists, links, quotes, images uploaded through `core.editor` with a required text
  alternative), with a preview button that posts to `core:editor_preview` (a fragment swapped in
  by htmx; without JavaScript a page in a new tab). What is saved is cleaned by the app's service.
- `PickerSelectMultiple`: a `<select multiple>` that core/js/picker.js turns into a searchable
  picker (vendored Tom Select). With `search_url`, a long list is not sent whole: the page holds
  the chosen options and the picker asks the URL (`?q=` → `[{"value", "text"}]`) for the others.
- `PickerTagsInput`: a text input of comma-separated names that the picker completes from
  `search_url` and lets grow with new names.

Their scripts and styles are the form's `media` (`{{ form.media }}` in the page's head): external
files, as the CSP wants.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.forms.widgets import Media, Script
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sharehub.core.editor import IMAGE_EXTENSIONS, IMAGE_MAX_BYTES, PREVIEW_BUTTON
from sharehub.core.images import ACCEPT_ATTRIBUTE
from sharehub.core.sanitize import EDITOR_IMAGE_DIR, looks_like_html, rich_text_html

PICKER_MEDIA = Media(
    css={"all": ["vendor/tom-select/tom-select.min.css", "core/css/picker.css"]},
    js=[
        Script("vendor/tom-select/tom-select.complete.min.js", defer=True),
        Script("core/js/picker.js", defer=True),
    ],
)


def names(instance: Any) -> str:
    """A translated object's name in every language (name_ko, name_en, …), for `search_text`."""
    return " ".join(
        str(value)
        for code, _name in settings.LANGUAGES
        if (value := getattr(instance, f"name_{code}", None))
    )


class RichTextarea(forms.Textarea):
    template_name = "core/widgets/rich_textarea.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, lang: str = "", rows: int = 12):
        super().__init__({"rows": rows, **(attrs or {})})
        self.lang = lang

    @property
    def media(self) -> Media:
        return Media(
            css={"all": ["vendor/quill/quill.core.css", "core/css/editor.css"]},
            js=[
                Script("vendor/quill/quill.js", defer=True),
                Script("core/js/editor.js", defer=True),
            ],
        )

    def format_value(self, value: Any) -> str | None:
        # Text written before the field was rich: its paragraphs, as the page shows them.
        text = super().format_value(value)
        if text and not looks_like_html(text):
            return rich_text_html(text)
        return text

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if self.lang:
            context["widget"]["attrs"].setdefault("lang", self.lang)
        context["editor"] = {
            "upload_url": reverse("core:editor_image"),
            "preview_url": reverse("core:editor_preview"),
            "preview_name": PREVIEW_BUTTON,
            "preview_value": f"{name} {self.lang}".strip(),
            "accept": ACCEPT_ATTRIBUTE,
            "image_prefix": settings.MEDIA_URL + EDITOR_IMAGE_DIR,
            "max_mb": IMAGE_MAX_BYTES // (1024 * 1024),
            "extensions": ", ".join(ext.upper() for ext in IMAGE_EXTENSIONS if ext != "jpeg"),
        }
        return context


class _PickerMixin:
    """The texts the picker shows, in the page's language, and where it searches."""

    search_url_name: str | None

    def picker_attrs(self, kind: str) -> dict[str, str]:
        attrs = {
            "data-picker": kind,
            "data-picker-empty": str(_("No match. Try another word.")),
            "data-picker-remove": str(_("Remove")),
            "data-picker-add": str(_("Add")),
            "data-picker-placeholder": str(_("Type to search…")),
        }
        if self.search_url_name:
            attrs["data-picker-url"] = reverse(self.search_url_name)
        return attrs


class PickerSelectMultiple(_PickerMixin, forms.SelectMultiple):
    media = PICKER_MEDIA

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        *,
        search_url: str | None = None,
        inline_limit: int = 300,
        search_text: Callable[[Any], str] | None = None,
    ):
        """`search_text(instance)`: what typing also finds an option by (its names in every
        language, where the label shows one)."""
        super().__init__(attrs)
        self.search_url_name = search_url
        self.inline_limit = inline_limit
        self.search_text = search_text

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if self.search_text is not None and instance is not None:
            option["attrs"]["data-search"] = self.search_text(instance)
        return option

    def _remote(self) -> bool:
        """A list longer than `inline_limit` with a search URL is searched, not sent whole."""
        return bool(self.search_url_name) and len(self.choices) > self.inline_limit

    def optgroups(self, name: str, value: list[str], attrs: dict[str, Any] | None = None):
        if not getattr(self, "remote", False):
            return super().optgroups(name, value, attrs)
        full = self.choices
        if hasattr(full, "queryset"):  # a ModelChoiceIterator: read only the chosen rows
            keys = [item for item in value if item.isdigit()]
            self.choices = [full.choice(obj) for obj in full.queryset.filter(pk__in=keys)]
        else:
            self.choices = [choice for choice in full if str(choice[0]) in set(value)]
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = full

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        self.remote = self._remote()  # one count per rendering (the widget is the form's copy)
        context = super().get_context(name, value, attrs)
        picker = self.picker_attrs("select")
        if not self.remote:
            picker.pop("data-picker-url", None)  # every choice is on the page: search it there
        context["widget"]["attrs"].update(picker)
        return context


class PickerTagsInput(_PickerMixin, forms.TextInput):
    media = PICKER_MEDIA

    def __init__(self, attrs: dict[str, Any] | None = None, *, search_url: str | None = None):
        super().__init__(attrs)
        self.search_url_name = search_url

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(self.picker_attrs("tags"))
        return context
