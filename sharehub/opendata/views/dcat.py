"""The DCAT-AP 3 catalogue (opendata.dcat), where harvesters look for it, outside the language
prefix (namespace `catalog`):

- `/catalog.jsonld`, `/catalog.ttl`: the catalogue, paged with Hydra: `?page=N` (from 1),
  `?page_size` (100 by default, at most 1000), `?modified_since=<ISO 8601 date or date-time>`
  (datasets modified then or later; a date-time without offset is the city's time);
- `/catalog/<slug>.jsonld`, `/catalog/<slug>.ttl`: one published dataset or series;
- `/catalog` and `/catalog/<slug>`: the catalogue's and each dataset's IRI, which answer
  303 See Other to the Turtle, the JSON-LD or the web page, as the `Accept` header asks.

Bad parameters answer 400 (JSON in the API's error shape for JSON-LD, plain text for Turtle),
a page past the last 404. Responses carry an ETag (304 when unchanged) and may be cached five
minutes by anyone.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, time
from typing import Literal

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sharehub.opendata import dcat
from sharehub.opendata.selectors.datasets import public_datasets

Format = Literal["ttl", "jsonld"]
CONTENT_TYPES: dict[str, str] = {
    "ttl": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json; charset=utf-8",
}


class BadParameter(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# A "+" of an offset left unencoded in a query string arrives as a space.
_SPACED_OFFSET = re.compile(r"(T[0-9:.]+) ([0-9]{2}:?[0-9]{2})\Z")


def parse_modified_since(value: str) -> datetime:
    """An ISO 8601 date-time (with or without offset; without, the city's time) or a date (its
    first moment in the city's time)."""
    value = _SPACED_OFFSET.sub(r"\1+\2", value.strip())
    try:
        moment = parse_datetime(value)
        day = None if moment else parse_date(value)
    except ValueError:
        moment, day = None, None
    if moment is None and day is not None:
        moment = datetime.combine(day, time.min)
    message = _(
        "modified_since must be a date or a date and time in ISO 8601, such as "
        "2025-01-31 or 2025-01-31T09:00:00+09:00."
    )
    if moment is None:
        raise BadParameter("modified_since", message)
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        moment.astimezone(UTC)  # the database compares in UTC: year 1 at +14:00 has none
    except (OverflowError, ValueError):
        raise BadParameter("modified_since", message) from None
    return moment


def _whole_number(request: HttpRequest, name: str, default: int, maximum: int | None) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if re.fullmatch(r"[0-9]{1,9}", raw) and 1 <= int(raw) <= (maximum or 10**9):
        return int(raw)
    if maximum is None:
        message = _("%(name)s must be a whole number from 1.") % {"name": name}
    else:
        message = _("%(name)s must be a whole number from 1 to %(max)s.") % {
            "name": name,
            "max": maximum,
        }
    raise BadParameter(name, message)


def _error(fmt: Format, status: int, field: str, message: str) -> HttpResponse:
    if fmt == "jsonld":
        return JsonResponse(
            {"detail": message, "errors": {field: [message]} if field else {}}, status=status
        )
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _answer(request: HttpRequest, body: str, fmt: Format) -> HttpResponse:
    """The document, or 304 when the client has it already (the ETag is the body's digest:
    whatever changed, a publisher's name or a page's membership, changes it)."""
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=300"
    # Anyone's harvester or validator may read it, also from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _serialise(graph: dcat.Graph, fmt: Format) -> str:
    return graph.to_turtle() if fmt == "ttl" else graph.to_jsonld()


def _catalogue(request: HttpRequest, fmt: Format) -> HttpResponse:
    try:
        number = _whole_number(request, "page", 1, None)
        size = _whole_number(request, "page_size", dcat.PAGE_SIZE, dcat.MAX_PAGE_SIZE)
        since_raw = request.GET.get("modified_since", "").strip()
        since = parse_modified_since(since_raw) if since_raw else None
    except BadParameter as error:
        return _error(fmt, 400, error.field, error.message)
    try:
        page = dcat.catalogue_page(number=number, size=size, modified_since=since)
    except dcat.PageOutOfRange:
        return _error(fmt, 404, "page", _("There is no such page in the catalogue."))
    document_url = dcat.site_url() + reverse(f"catalog:{fmt}")
    page_url = dcat.page_url_builder(document_url, size=size, modified_since=since_raw)
    response = _answer(request, _serialise(dcat.catalogue_graph(page, page_url), fmt), fmt)
    links = [f'<{page_url(1)}>; rel="first"', f'<{page_url(page.last)}>; rel="last"']
    if page.number > 1:
        links.append(f'<{page_url(page.number - 1)}>; rel="prev"')
    if page.number < page.last:
        links.append(f'<{page_url(page.number + 1)}>; rel="next"')
    response["Link"] = ", ".join(links)
    return response


@require_safe
def catalogue_jsonld(request: HttpRequest) -> HttpResponse:
    return _catalogue(request, "jsonld")


@require_safe
def catalogue_ttl(request: HttpRequest) -> HttpResponse:
    return _catalogue(request, "ttl")


def _dataset(request: HttpRequest, slug: str, fmt: Format) -> HttpResponse:
    dataset = dcat.published_dataset(slug)
    if dataset is None:
        raise Http404
    return _answer(request, _serialise(dcat.dataset_graph(dataset), fmt), fmt)


@require_safe
def dataset_jsonld(request: HttpRequest, slug: str) -> HttpResponse:
    return _dataset(request, slug, "jsonld")


@require_safe
def dataset_ttl(request: HttpRequest, slug: str) -> HttpResponse:
    return _dataset(request, slug, "ttl")


def _negotiated(request: HttpRequest) -> Format | None:
    accept = request.headers.get("Accept", "")
    if "text/turtle" in accept:
        return "ttl"
    if "application/ld+json" in accept:
        return "jsonld"
    return None


def _see_other(request: HttpRequest, url: str) -> HttpResponse:
    response = HttpResponseRedirect(url, status=303)
    patch_vary_headers(response, ["Accept"])
    return response


@require_safe
def catalogue_iri(request: HttpRequest) -> HttpResponse:
    """The catalogue's IRI: its Turtle, JSON-LD or web page."""
    if fmt := _negotiated(request):
        return _see_other(request, reverse(f"catalog:{fmt}"))
    try:
        return _see_other(request, reverse("opendata:datasets"))
    except NoReverseMatch:
        return _see_other(request, reverse("catalog:jsonld"))


@require_safe
def dataset_iri(request: HttpRequest, slug: str) -> HttpResponse:
    """A dataset's IRI: its Turtle, JSON-LD or web page."""
    if not public_datasets().filter(slug=slug).exists():
        raise Http404
    if fmt := _negotiated(request):
        name = "catalog:dataset_ttl" if fmt == "ttl" else "catalog:dataset_jsonld"
        return _see_other(request, reverse(name, kwargs={"slug": slug}))
    try:
        return _see_other(request, reverse("opendata:dataset", kwargs={"slug": slug}))
    except NoReverseMatch:
        return _see_other(request, reverse("catalog:dataset_jsonld", kwargs={"slug": slug}))


urlpatterns: list[URLPattern] = [
    path("catalog.jsonld", catalogue_jsonld, name="jsonld"),
    path("catalog.ttl", catalogue_ttl, name="ttl"),
    path("catalog", catalogue_iri, name="catalog"),
    path("catalog/<slug:slug>.jsonld", dataset_jsonld, name="dataset_jsonld"),
    path("catalog/<slug:slug>.ttl", dataset_ttl, name="dataset_ttl"),
    path("catalog/<slug:slug>", dataset_iri, name="dataset"),
]
