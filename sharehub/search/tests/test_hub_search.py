"""The hub's search: one box in every page's header, a results page grouped by the kinds the apps
register, typeahead, snippets in the reader's language, and the same through /api/v1/search."""

from __future__ import annotations

import json
import re

import pytest

from sharehub.directory.tests.factories import ListingFactory
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.models import Organization
from sharehub.organizations.tests.factories import OrganizationFactory
from sharehub.search.catalog import kinds
from sharehub.search.highlight import SNIPPET_CHARS, pattern_for, snippet
from sharehub.search.registry import SearchKind, register_searchable, unregister_searchable
from sharehub.search.selectors import hub_search
from sharehub.search.services import index_object

from .conftest import organization_document

pytestmark = pytest.mark.django_db


def test_every_app_registers_its_kind():
    codes = [entry.kind.code for entry in kinds() if entry.kind]
    assert codes[:3] == ["services", "events", "news"]


@pytest.fixture
def registered_kind(db):
    """A kind registered by a test, as a new app would: the search page shows it unchanged."""
    register_searchable(
        Organization,
        document=organization_document,
        public=lambda: Organization.objects.filter(moderation_status=ModerationStatus.PUBLISHED),
        kind=SearchKind("testkind", "Test kind", order=5, describe=lambda obj: f"slug {obj.slug}"),
    )
    yield Organization
    unregister_searchable(Organization)


def test_a_new_app_registers_and_its_kind_appears(client, registered_kind):
    organization = OrganizationFactory(
        name_ko="마을공구창고", name_en="Village Tools", slug="village-tools"
    )
    hidden = OrganizationFactory(name_ko="비밀공구창고", moderation_status=ModerationStatus.PENDING)
    index_object(organization)
    index_object(hidden)
    page = client.get("/ko/search/", {"q": "공구창고"}).content.decode()
    assert "Test kind" in page and "slug village-tools" in page
    assert "마을" in page and "비밀" not in page
    assert f'href="{organization.get_absolute_url()}"' in page
    one_kind = client.get("/ko/search/", {"q": "공구창고", "kind": "testkind"})
    assert one_kind.status_code == 200 and "마을" in one_kind.content.decode()


def test_bad_input_is_a_field_error_not_a_500(client, db):
    response = client.get("/en/search/", {"q": "x" * 101, "kind": "nope"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Keep the search under 100 characters." in page and "Select a valid choice." in page
    assert client.get("/ko/search/", {"q": '"*(:'}).status_code == 200
    assert client.get("/ko/search/").status_code == 200


@pytest.mark.parametrize(
    "path", ["/ko/", "/en/directory/", "/ko/events/", "/en/news/", "/ko/search/"]
)
def test_the_search_box_is_in_every_header(client, db, path):
    page = client.get(path).content.decode()
    header = page[page.index("<header") : page.index("</header>")]
    assert 'role="search"' in header and 'name="q"' in header
    assert 'role="combobox"' in header and 'aria-controls="header-suggestions"' in header
    assert "/search/suggestions/" in header


def test_snippets_cut_at_word_boundaries_and_mark_verbs():
    text = ("앞부분 " * 30) + "공구를 빌려 쓰고 돌려줍니다. " + ("뒷부분 " * 60)
    cut = str(snippet(text, pattern_for(["공구"]), ["빌리다"]))
    assert cut.startswith("…") and cut.endswith("…")
    plain = re.sub(r"</?mark>", "", cut).strip("…")
    assert all(
        word in {"앞부분", "뒷부분", "공구를", "빌려", "쓰고", "돌려줍니다."}
        for word in plain.split()
    )
    assert len(plain) <= SNIPPET_CHARS
    assert "<mark>공구</mark>를" in cut and "<mark>빌려</mark>" in cut
    # A one-syllable word is marked standing alone, not inside another word.
    assert "<mark>" not in str(snippet("책임감 있는 운영", pattern_for(["책"])))
    assert "<mark>책</mark>을" in str(snippet("책을 나눕니다", pattern_for(["책"])))


def test_hub_search_reads_only_public_objects(db):
    public = ListingFactory(organization__name_ko="공개창고")
    hidden = ListingFactory(
        organization__name_ko="숨은창고",
        organization__moderation_status=ModerationStatus.HIDDEN,
    )
    index_object(public)
    assert index_object(hidden) is False
    [group] = hub_search("창고")
    assert [r.obj.pk for r in group.results] == [public.pk]


# --- the API ---------------------------------------------------------------------------------
def _json(response):
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_api_search_errors_are_json(client, db):
    response = client.get("/api/v1/search", {"kind": "nope"})
    assert response.status_code == 422 and "kind" in _json(response)["errors"]
    response = client.get("/api/v1/search", {"q": "a", "page": 0})
    assert response.status_code == 422
    assert _json(client.get("/api/v1/search/suggestions", {"q": "주차"})) == []
