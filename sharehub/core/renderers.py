"""The form renderer: Django's own widget templates drawn by Jinja2, the hub's own by Django's engine.

Django ships every built-in form, field and widget template twice, for its template engine and for
Jinja2, written to give the same markup. Drawn by Django's engine, a select of 25 districts costs
about 2 ms (an include, an attrs include and a context per option), which made the filter forms
the largest part of the directory and events pages (bench/pages_bench.py). Jinja2 compiles the
same templates to Python functions. The hub's own widget templates (the point picker, the rich
text editor) stay Django templates, found as Django's default renderer finds them.
"""

from __future__ import annotations

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.utils.functional import cached_property

BUILT_IN = "django/forms/"


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
