"""One field of a list's filter form (`{% filter_field %}`), as the included template it replaced
drew it: the label before the widget, a check box before its label, the errors below with the id
the widget's aria-describedby names, and the search box's suggestions after it."""

from __future__ import annotations

from django import forms
from django.template import Context, Template
from django.utils import translation

from sharehub.core.filters import FilterForm


class _Form(FilterForm):
    q = forms.CharField(label="Search <all>", required=False, max_length=5)
    free = forms.BooleanField(label="Free only", required=False)


def _field(form: FilterForm, name: str, extra: str = "") -> str:
    return Template("{% load filter_fields %}{% filter_field field " + extra + "%}").render(
        Context({"field": form[name]})
    )


def test_a_field_its_label_first_and_escaped():
    html = _field(_Form(), "q")
    assert html == (
        '<div class="field"><label for="id_q">Search &lt;all&gt;</label> '
        '<input type="text" name="q" maxlength="5" id="id_q"></div>'
    )


def test_a_check_box_before_its_label():
    html = _field(_Form({"free": "on"}), "free")
    assert html == (
        '<div class="field"><input type="checkbox" name="free" id="id_free" checked> '
        '<label for="id_free">Free only</label></div>'
    )


def test_errors_below_in_the_readers_language():
    form = _Form({"q": "far too long"})
    with translation.override("ko"):
        assert not form.is_valid()
        html = _field(form, "q")
    assert html.startswith('<div class="field has-error"><label for="id_q">')
    assert 'aria-invalid="true"' in html
    assert html.endswith(
        f'<ul class="errorlist" id="id_q_error"><li>{form.errors["q"][0]}</li></ul></div>'
    )
    assert "5" in form.errors["q"][0]


def test_the_search_boxs_suggestions_follow_it():
    html = _field(_Form(), "q", 'suggestions="q-suggestions" ')
    assert html.endswith(
        '<input type="text" name="q" maxlength="5" id="id_q">'
        '<div id="q-suggestions" class="suggest-box" data-suggest-for="id_q"></div></div>'
    )
