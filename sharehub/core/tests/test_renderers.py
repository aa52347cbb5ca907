"""The form renderer writes a select exactly as Django's own Jinja2 templates would (issue 18)."""

from __future__ import annotations

from django import forms
from hypothesis import given, settings
from hypothesis import strategies as st

from sharehub.core.renderers import SELECT, HubFormRenderer, _plain_select

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
