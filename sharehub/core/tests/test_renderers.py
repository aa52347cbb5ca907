"""The form renderer writes a select, an input and an empty error list exactly as Django's own Jinja2
templates would (issue 18)."""

from __future__ import annotations

from django import forms
from django.forms.utils import ErrorList
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from sharehub.core.renderers import ERROR_LISTS, INPUTS, SELECT, HubFormRenderer, _plain_select

renderer = HubFormRenderer()
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


def by_template(widget: forms.Widget, name: str, value: object) -> str:
    """What Django's Jinja2 select template writes, as BaseRenderer.render returns it."""
    context = widget.get_context(name, value, {"id": f"id_{name}"})
    return renderer.get_template(SELECT).render(context).strip()


def written(widget: forms.Widget, name: str, value: object) -> str:
    return widget.render(name, value, {"id": f"id_{name}"}, renderer=renderer)


@settings(max_examples=150, deadline=None)
@given(
    choices=st.lists(st.tuples(texts, texts), max_size=6),
    grouped=st.lists(st.tuples(texts, st.lists(st.tuples(texts, texts), max_size=3)), max_size=3),
    chosen=texts,
    required=st.booleans(),
    disabled=st.booleans(),
    extra=st.dictionaries(st.sampled_from(["class", "data-x", "aria-label"]), texts, max_size=2),
)
def test_a_select_is_written_as_djangos_template_writes_it(
    choices, grouped, chosen, required, disabled, extra
):
    attrs = {**extra, "required": required, "disabled": disabled}
    for widget in (
        forms.Select(attrs=attrs, choices=[("", "—"), *choices, *grouped]),
        forms.SelectMultiple(attrs=attrs, choices=[*choices, *grouped]),
    ):
        value = [chosen] if isinstance(widget, forms.SelectMultiple) else chosen
        assert written(widget, "field", value) == by_template(widget, "field", value)


def test_escaping_and_flags_are_djangos():
    widget = forms.Select(
        attrs={"required": True, "hidden": False, "title": "a \"b\" <c> & 'd'"},
        choices=[("<x>", 'A & "B"'), ("2", "둘"), ("Group <1>", [("3", "셋")])],
    )
    html = written(widget, "q", "<x>")
    assert html == by_template(widget, "q", "<x>")
    assert ' required title="a &#34;b&#34; &lt;c&gt; &amp; &#39;d&#39;"' in html
    assert "hidden" not in html
    assert '<option value="&lt;x&gt;" selected>A &amp; &#34;B&#34;</option>' in html
    assert '<optgroup label="Group &lt;1&gt;">' in html


def test_only_a_select_with_djangos_option_template_is_written_here():
    class Marked(forms.Select):
        option_template_name = "core/widgets/marked_option.html"

    plain = forms.Select(choices=[("1", "one")]).get_context("x", "1", None)["widget"]
    marked = Marked(choices=[("1", "one")]).get_context("x", "1", None)["widget"]
    assert _plain_select(plain)
    assert not _plain_select(marked)  # drawn by its own template, as before


INPUT_WIDGETS = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
    forms.CheckboxInput,
    forms.FileInput,
    forms.ColorInput,
    forms.SearchInput,
    forms.TelInput,
]


def test_every_input_template_written_here_is_djangos_input():
    assert {widget.template_name for widget in INPUT_WIDGETS} | {
        "django/forms/widgets/input.html"
    } == INPUTS


def by_input_template(widget: forms.Widget, name: str, value: object) -> str:
    context = widget.get_context(name, value, {"id": f"id_{name}"})
    return renderer.get_template(widget.template_name).render(context).strip()


@settings(max_examples=60, deadline=None)
@given(
    value=st.one_of(st.none(), texts, st.integers(), st.booleans()),
    required=st.booleans(),
    disabled=st.booleans(),
    extra=st.dictionaries(
        st.sampled_from(["class", "placeholder", "aria-describedby", "autocomplete"]),
        texts,
        max_size=2,
    ),
)
def test_an_input_is_written_as_djangos_template_writes_it(value, required, disabled, extra):
    attrs = {**extra, "required": required, "disabled": disabled}
    for kind in INPUT_WIDGETS:
        widget = kind(attrs=attrs)
        assert written(widget, "field", value) == by_input_template(widget, "field", value), kind


def test_an_input_escapes_as_django_and_leaves_safe_text_alone():
    widget = forms.TextInput(attrs={"title": 'a "b" <c>', "hidden": False, "required": True})
    html = written(widget, "q", "<x> & 'y'")
    assert html == by_input_template(widget, "q", "<x> & 'y'")
    assert html == (
        '<input type="text" name="q" value="&lt;x&gt; &amp; &#39;y&#39;"'
        ' title="a &#34;b&#34; &lt;c&gt;" required id="id_q">'
    )
    safe = mark_safe("<b>")
    assert written(widget, "q", safe) == by_input_template(widget, "q", safe)


def test_an_error_list_is_empty_here_only_when_it_has_no_errors():
    for template in ERROR_LISTS:
        assert renderer.render(template, ErrorList().get_context()) == ""
        assert renderer.get_template(template).render(ErrorList().get_context()).strip() == ""
    errors = ErrorList(["<세> 필요합니다"], field_id="id_q")
    assert (
        str(errors)
        == renderer.get_template("django/forms/errors/list/ul.html")
        .render(errors.get_context())
        .strip()
    )
    assert "&lt;세&gt; 필요합니다" in str(errors)


def test_a_bound_form_is_written_as_djangos_jinja2_renderer_writes_it():
    """Fields with values, errors and the attributes a bound field adds (aria-invalid,
    aria-describedby), against Django's own Jinja2 renderer."""
    from django.forms.renderers import Jinja2

    class Form(forms.Form):
        q = forms.CharField(required=True, max_length=5, help_text="짧게")
        n = forms.IntegerField(required=False)
        ok = forms.BooleanField(required=False)
        when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    data = {"q": "toolong<>", "n": "x", "ok": "on", "when": "2026-12-05"}
    ours, theirs = Form(data, renderer=renderer), Form(data, renderer=Jinja2())
    assert not ours.is_valid() and not theirs.is_valid()
    for mine, django in zip(ours, theirs, strict=True):
        assert str(mine) == str(django)
        assert str(mine.errors) == str(django.errors)
    assert str(ours["q"]).startswith('<input type="text" name="q" value="toolong&lt;&gt;"')
