"""Typed text through the JSON API (issue 19): a formula or a script in a main object's text comes
back from its list and detail operations as the same JSON string, in a JSON response a browser
never sniffs into HTML (`application/json`, `X-Content-Type-Options: nosniff`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import models

PAYLOADS = (
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "<script>alert(1)</script>",
    "\"'><img src=x onerror=alert(1)>",
)


def _organization() -> tuple[models.Model, list[str], str, str]:
    from sharehub.organizations.tests.factories import OrganizationFactory

    organization = OrganizationFactory()
    path = "/api/v1/organizations"
    return organization, ["name_ko", "name_en"], path, f"{path}/{organization.slug}"


def _service() -> tuple[models.Model, list[str], str, str]:
    from sharehub.directory.tests.factories import ListingFactory, ServiceFactory

    service = ServiceFactory(listing=ListingFactory())
    path = f"/api/v1/directory/listings/{service.listing.organization.slug}"
    return service, ["name_ko", "name_en"], f"{path}/services", path


def _event() -> tuple[models.Model, list[str], str, str]:
    from sharehub.events.tests.factories import EventFactory

    event = EventFactory()
    return event, ["title_ko", "title_en"], "/api/v1/events", f"/api/v1/events/{event.pk}"


def _article() -> tuple[models.Model, list[str], str, str]:
    from sharehub.news.tests.factories import ArticleFactory

    article = ArticleFactory()
    path = "/api/v1/news/articles"
    return article, ["title_ko", "title_en"], path, f"{path}/{article.slug}"


def _proposal() -> tuple[models.Model, list[str], str, str]:
    from sharehub.participation.tests.factories import ProposalFactory

    proposal = ProposalFactory()
    path = "/api/v1/participation/proposals"
    return proposal, ["title"], path, f"{path}/{proposal.pk}"


def _space() -> tuple[models.Model, list[str], str, str]:
    from sharehub.facilities.tests.factories import SpaceFactory

    space = SpaceFactory()
    return space, ["name_ko", "name_en"], "/api/v1/spaces", f"/api/v1/spaces/{space.slug}"


def _call() -> tuple[models.Model, list[str], str, str]:
    from sharehub.programmes.tests.factories import open_call

    call = open_call()
    path = "/api/v1/programmes/calls"
    return call, ["title_ko", "title_en"], path, f"{path}/{call.slug}"


OBJECTS: dict[str, Callable[[], tuple[models.Model, list[str], str, str]]] = {
    "organization": _organization,
    "service": _service,
    "event": _event,
    "news article": _article,
    "proposal": _proposal,
    "space": _space,
    "programme call": _call,
}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", OBJECTS)
def test_typed_text_comes_back_as_json_strings(client, kind):
    obj, fields, list_path, detail_path = OBJECTS[kind]()
    model = type(obj)
    for payload in PAYLOADS:
        model._base_manager.filter(pk=obj.pk).update(**dict.fromkeys(fields, payload))
        for path in (list_path, detail_path):
            response = client.get(path, HTTP_ACCEPT="text/html,*/*")
            where = f"{kind} {path} {payload!r}"
            assert response.status_code == 200, where
            assert response["Content-Type"].split(";")[0] == "application/json", where
            assert response["X-Content-Type-Options"] == "nosniff", where
            body = json.loads(response.content)
            # The text itself, a JSON string, neither escaped as HTML nor evaluated or cut.
            assert payload in set(_strings(body)), f"{where}: not found in {body!r:.300}"
