"""Machine-readable descriptions in the catalogue's page heads:

- `{% dataset_alternates dataset %}`: `<link rel="alternate">` to the dataset's DCAT-AP
  description in JSON-LD and Turtle (`/catalog/<slug>.jsonld|.ttl`), where harvesters and
  browsers' extensions find it;
- `{% dataset_schema_org dataset %}`: the dataset's schema.org `Dataset` markup
  (opendata.schemaorg) in a `<script type="application/ld+json">`;
- `{% catalogue_alternates %}`: `<link rel="alternate">` to the whole catalogue
  (`/catalog.jsonld`, `/catalog.ttl`), for the catalogue's list page.

Nothing for a dataset that is not published (a staff preview): its descriptions do not exist.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from sharehub.opendata.models import Dataset
from sharehub.opendata.schemaorg import dataset_markup, script_json
from sharehub.opendata.selectors.datasets import is_public

register = template.Library()

_ALTERNATES = (("application/ld+json", "DCAT-AP (JSON-LD)"), ("text/turtle", "DCAT-AP (Turtle)"))


def _links(urls: list[str]) -> SafeString:
    return format_html_join(
        "\n",
        '<link rel="alternate" type="{}" href="{}" title="{}">',
        ((kind, url, title) for (kind, title), url in zip(_ALTERNATES, urls, strict=True)),
    )


def _is_public(dataset: object) -> bool:
    return isinstance(dataset, Dataset) and is_public(dataset)


@register.simple_tag
def dataset_alternates(dataset: object) -> SafeString:
    if not isinstance(dataset, Dataset) or not _is_public(dataset):
        return mark_safe("")
    kwargs = {"slug": dataset.slug}
    return _links(
        [
            reverse("catalog:dataset_jsonld", kwargs=kwargs),
            reverse("catalog:dataset_ttl", kwargs=kwargs),
        ]
    )


@register.simple_tag
def catalogue_alternates() -> SafeString:
    return _links([reverse("catalog:jsonld"), reverse("catalog:ttl")])


@register.simple_tag(takes_context=True)
def dataset_schema_org(context: template.Context, dataset: object) -> SafeString:
    if not isinstance(dataset, Dataset) or not _is_public(dataset):
        return mark_safe("")
    # script_json escapes <, > and &: nothing in the texts can close the element.
    body = mark_safe(script_json(dataset_markup(dataset)))
    nonce = context.get("csp_nonce")
    if nonce:
        return format_html('<script type="application/ld+json" nonce="{}">{}</script>', nonce, body)
    return format_html('<script type="application/ld+json">{}</script>', body)
