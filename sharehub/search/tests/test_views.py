from __future__ import annotations

import pytest

from sharehub.organizations.tests.factories import OrganizationFactory
from sharehub.search.services import index_object


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_suggest_returns_escaped_options(client, corpus, lang, searchable_organizations):

    index_object(OrganizationFactory(name_ko="열린<b>", name_en="x"))
    response = client.get(
        f"/{lang}/search/suggest/", {"model": "organizations.organization", "q": "열린"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<li" in body and "열린옷장 Open Closet" in body
    assert "열린&lt;b&gt;" in body and "열린<b>" not in body


def test_suggest_without_matches(client, corpus):
    response = client.get(
        "/ko/search/suggest/", {"model": "organizations.organization", "q": '"*('}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "model", ["", "accounts.user", "organizations.membership", "nope", "a.b.c"]
)
def test_suggest_only_for_registered_models(client, corpus, model):
    assert client.get("/ko/search/suggest/", {"model": model, "q": "a"}).status_code == 404


def test_suggest_is_get_only(client, corpus):
    assert (
        client.post("/ko/search/suggest/", {"model": "organizations.organization"}).status_code
        == 405
    )
