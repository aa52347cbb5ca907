"""/api/v1/search: the hub's search over every kind, its suggestions, and the synonym dictionary.

Reads are public (auth=None): the search finds only what the public may see, and the dictionary
is no secret. Its writes are city staff's. Errors follow sharehub/api.py: 401, 403, 404, 422.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from sharehub.core.api_errors import ERRORS, ErrorOut
from sharehub.core.api_types import Id, page_query
from sharehub.core.filters import api_filters, query_schema
from sharehub.core.pagination import ApiPage, api_page

from . import selectors, services
from .forms import SearchForm
from .models import SynonymGroup
from .understanding import understanding

router = Router(tags=["search"])

PER_KIND = 5
PER_PAGE = 20
SearchQuery = query_schema(SearchForm)


class SearchResultOut(Schema):
    title: str
    url: str
    snippet: str
    meta: str
    lang: str | None


class KindOut(Schema):
    kind: str
    label: str
    count: int
    page: int
    pages: int
    results: list[SearchResultOut]


class SearchOut(Schema):
    q: str
    districts: list[str]
    also: list[str]
    kinds: list[KindOut]


class SearchSuggestionOut(Schema):
    title: str
    url: str
    kind: str


class SynonymGroupOut(Schema):
    id: int
    words: list[str]
    note: str


class SynonymGroupIn(Schema):
    words: list[str]
    note: str = ""


class SynonymGroupPatch(Schema):
    words: list[str] | None = None
    note: str | None = None


def _result(result: selectors.Result) -> dict[str, Any]:
    return {
        "title": result.hit.display_title,
        "url": result.url,
        "snippet": str(result.hit.snippet),
        "meta": result.meta,
        "lang": result.hit.lang,
    }


@router.get(
    "",
    response={200: SearchOut, 422: ErrorOut},
    auth=None,
    summary="Search the hub",
    description="Every kind's best results (services and organizations, events, news and stories, …), "
    "or with `kind` one kind's, 20 a page (`page`). `q` is read as a person writes: particles, "
    "verbs and spacing do not matter, the city's synonyms are searched too, and a district named "
    "in it keeps the services and events there and the city-wide ones. `snippet` is HTML: "
    "escaped text with the matched words in <mark>, in the language of the request.",
)
def search_hub(request: HttpRequest, query: Query[SearchQuery], page: int = page_query()):  # type: ignore[valid-type]
    filters = api_filters(SearchForm, query).cleaned_data
    q, kind = filters.get("q", ""), filters.get("kind", "")
    kinds = []
    understood = understanding(q) if q else None
    for group in selectors.hub_search(q, kind=kind or None, shown=0) if q else []:
        if kind:
            current = Paginator(group.hits, PER_PAGE).get_page(page)
            hits, number, pages = (
                list(current.object_list),
                current.number,
                current.paginator.num_pages,
            )
        else:
            hits, number, pages = group.hits[:PER_KIND], 1, 1
        kinds.append(
            {
                "kind": group.code,
                "label": str(group.label),
                "count": group.count,
                "page": number,
                "pages": pages,
                "results": [_result(r) for r in selectors.present(group.entry, hits)],
            }
        )
    return {
        "q": q,
        "districts": [d.slug for d in understood.districts] if understood else [],
        "also": understood.also if understood else [],
        "kinds": kinds,
    }


@router.get(
    "/suggestions",
    response={200: list[SearchSuggestionOut], 422: ErrorOut},
    auth=None,
    summary="Suggestions as one types",
    description="Titles of every kind with a word starting with `q`, then the best results for it.",
)
def suggestions(request: HttpRequest, query: Query[SearchQuery]):  # type: ignore[valid-type]
    q = api_filters(SearchForm, query).cleaned_data.get("q", "")
    return [
        {"title": s.title, "url": s.url, "kind": str(s.kind)} for s in selectors.hub_suggestions(q)
    ]


@router.get(
    "/synonyms",
    response={200: ApiPage[SynonymGroupOut], 422: ErrorOut},
    auth=None,
    summary="The synonym dictionary",
    description="Groups of words a search treats as one.",
)
def list_synonyms(request: HttpRequest, page: int = page_query()):
    return api_page(request, selectors.synonym_groups(), page)


@router.get(
    "/synonyms/{group_id}",
    response={200: SynonymGroupOut, 404: ErrorOut},
    auth=None,
    summary="One synonym group",
)
def get_synonyms(request: HttpRequest, group_id: Id):
    return get_object_or_404(SynonymGroup, pk=group_id)


@router.post(
    "/synonyms",
    response={201: SynonymGroupOut, **ERRORS},
    summary="Add a synonym group",
    description="City staff. At least two words (Korean or English) that mean the same; the next "
    "search reads them.",
)
def create_synonyms(request: HttpRequest, payload: SynonymGroupIn):
    group = services.create_synonym_group(
        actor=request.auth, words=payload.words, note=payload.note
    )
    return Status(201, group)


@router.patch(
    "/synonyms/{group_id}",
    response={200: SynonymGroupOut, **ERRORS},
    summary="Change a synonym group",
    description="City staff. Only the fields sent change.",
)
def update_synonyms(request: HttpRequest, group_id: Id, payload: SynonymGroupPatch):
    group = get_object_or_404(SynonymGroup, pk=group_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.update_synonym_group(actor=request.auth, group=group, **changes)


@router.delete(
    "/synonyms/{group_id}",
    response={204: None, **ERRORS},
    summary="Delete a synonym group",
    description="City staff.",
)
def delete_synonyms(request: HttpRequest, group_id: Id):
    group = get_object_or_404(SynonymGroup, pk=group_id)
    services.delete_synonym_group(actor=request.auth, group=group)
    return Status(204, None)
