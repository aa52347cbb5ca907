"""`{% load filter_fields %}`: one field of a list's filter form (core.filters), as every list
page draws it: its label and widget (a check box before its label), its errors below.

    {% for field in filter_form %}{% filter_field field %}{% endfor %}
    {% filter_field field suggestions="q-suggestions" %}  {# the search box's suggestion list #}

A Python tag rather than an included template: a form of seven fields was seven includes, each
a context push and a dozen nodes, about a third of the filters' share of a list page built whole
(issue 18). The widget itself is still drawn by the form renderer (core.renderers).
"""

from __future__ import annotations

from html import escape

from django import forms, template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def filter_field(field: forms.BoundField, *, suggestions: str = "") -> SafeString:
    """`<div class="field">` with the label and the widget, and the field's errors (their list's
    id is what the widget's `aria-describedby` names). `suggestions`: the id of an empty box after
    the widget that the search's suggestions fill (core/js/combobox.js)."""
    errors = field.errors
    label = f'<label for="{escape(field.id_for_label or "")}">{escape(str(field.label))}</label>'
    widget = str(field)
    if isinstance(field.field.widget, forms.CheckboxInput):
        parts = [widget, " ", label]
    else:
        parts = [label, " ", widget]
    if suggestions:
        parts.append(
            f'<div id="{escape(suggestions)}" class="suggest-box" '
            f'data-suggest-for="{escape(field.id_for_label or "")}"></div>'
        )
    if errors:
        items = "".join(f"<li>{escape(str(error))}</li>" for error in errors)
        parts.append(f'<ul class="errorlist" id="{escape(field.auto_id or "")}_error">{items}</ul>')
    css = "field has-error" if errors else "field"
    return mark_safe(f'<div class="{css}">{"".join(parts)}</div>')
