"""The form renderer: Django's own widget templates drawn by Jinja2, the hub's own by Django's engine.

Django ships every built-in form, field and widget template twice, for its template engine and for
Jinja2, written to give the same markup. Drawn by Django's engine, a select of 25 districts costs
about 2 ms (an include, an attrs include and a context per option), which made the filter forms
the largest part of the directory and events pages (bench/pages_bench.py). Jinja2 compiles the
same templates to Python functions. The hub's own widget templates (the point picker, the rich
text editor) stay Django templates, found as Django's default renderer finds them.

The commonest of them are written here in Python, byte for byte as the Jinja2 templates write
them (core/tests/test_renderers.py compares every case): a select, an input, and an empty error
list. Each Jinja2 include builds a fresh context from the environment's globals, which for one
text input (input.html including attrs.html) cost more than writing the tag.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.utils.functional import cached_property
from markupsafe import escape

BUILT_IN = "django/forms/"
SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
# Django's widget templates that are input.html and nothing else ({% include %} of it).
INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)
ERROR_LISTS = frozenset(
    ("django/forms/errors/list/default.html", "django/forms/errors/list/ul.html")
)


def _attrs(attrs: dict[str, Any]) -> str:
    """Django's widgets/attrs.html: `False` leaves the attribute out, `True` writes its name."""
    return "".join(
        ""
        if value is False
        else f" {escape(name)}"
        if value is True
        else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
    )


def select_html(widget: dict[str, Any]) -> str:
    """Django's widgets/select.html and select_option.html as its Jinja2 templates write them,
    byte for byte (markupsafe's escaping, the same line breaks, stripped as `render` strips):
    a select of 25 districts drawn by the templates is an include and an attrs include per
    option, about four times the time of this loop (core/tests/test_renderers.py compares)."""
    parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{escape(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{escape(option['label'])}</option>"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def input_html(widget: dict[str, Any]) -> str:
    """Django's widgets/input.html (with attrs.html) as its Jinja2 template writes it."""
    value = widget["value"]
    shown = "" if value is None else f' value="{escape(value)}"'
    return (
        f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>"
    )


def _plain_select(widget: dict[str, Any]) -> bool:
    """A select whose options use Django's own option template (a widget may name its own)."""
    return all(
        option.get("template_name") == OPTION
        for _name, options, _index in widget.get("optgroups", ())
        for option in options
    )


class HubFormRenderer(BaseRenderer):
    @cached_property
    def _jinja2(self) -> Jinja2:
        return Jinja2()

    @cached_property
    def _django(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str):  # type: ignore[no-untyped-def]
        if template_name.startswith(BUILT_IN):
            return self._jinja2.get_template(template_name)
        return self._django.get_template(template_name)

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if isinstance(widget, dict):
            if template_name in INPUTS:
                return input_html(widget)
            if template_name == SELECT and _plain_select(widget):
                return select_html(widget)
        elif template_name in ERROR_LISTS and not context.get("errors"):
            return ""  # `{% if errors %}…{% endif %}`: nothing, on every field without errors
        return super().render(template_name, context, request=request)
