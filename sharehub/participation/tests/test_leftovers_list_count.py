"""The proposal list counts up to a cap (core.pagination.CappedPaginator): an exact count and
ordinary pages for a small list, "more than N" and pages that go on past the cap for a large one,
on the page and in the API, with the same number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.paginator import EmptyPage
from django.utils import timezone

from sharehub.core.pagination import CappedPaginator
from sharehub.participation.models import Proposal

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db
LIST = "/en/participate/"  # English: the new strings await their Korean (h7.po)
API = "/api/v1/participation/proposals"


@pytest.fixture
def many(area, author):
    """25 public proposals, newest first by their numbers (1 is the newest)."""
    now = timezone.now()
    return [
        ProposalFactory(
            area=area, author=author, title=f"제안 {n:02}", published_at=now - timedelta(hours=n)
        )
        for n in range(1, 26)
    ]


def _cap(monkeypatch, cap: int) -> None:
    from sharehub.participation import api
    from sharehub.participation.views import public

    monkeypatch.setattr(public, "LIST_COUNT_CAP", cap)
    monkeypatch.setattr(api, "LIST_COUNT_CAP", cap)


def test_capped_paginator_small_list_is_exact(many):
    paginator = CappedPaginator(Proposal.objects.order_by("pk"), 10, cap=100)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (25, False, 3)
    assert len(paginator.page(3).object_list) == 5
    with pytest.raises(EmptyPage):
        paginator.page(4)


def test_capped_paginator_past_the_cap(many):
    paginator = CappedPaginator(Proposal.objects.order_by("pk"), 10, cap=12)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (13, True, None)
    first, last = paginator.page(1), paginator.page(3)
    assert first.has_next() and not first.has_previous() and len(first) == 10
    # Past the cap the pages go on, to the real last row.
    assert not last.has_next() and len(last) == 5 and last.end_index() == 25
    assert [p.pk for p in last] == [p.pk for p in many[20:]]
    with pytest.raises(EmptyPage):
        paginator.page(4)
    # A page past the end (junk) falls back on an exact count and gives the last page.
    fallback = paginator.get_page(99)
    assert fallback.number == 3 and fallback.paginator.count == 25
    assert paginator.get_page("abc").number == 1


def test_list_page_small_shows_the_exact_count(client, many):
    html = client.get(LIST, {"sort": "newest"}).content.decode()
    assert "25 proposals" in html and "More than" not in html
    assert "Page 1 of 2" in html
    last = client.get(LIST, {"sort": "newest", "page": "2"}).content.decode()
    assert last.count('class="card proposal-card"') == 5


@pytest.mark.usefixtures("no_page_cache")
def test_list_page_past_the_cap(client, many, monkeypatch, django_assert_num_queries):
    _cap(monkeypatch, 20)
    with django_assert_num_queries(6):  # count, page, districts, the filter form (3)
        response = client.get(LIST, {"sort": "newest"})
    html = response.content.decode()
    assert "More than 20 proposals" in html and "25 proposals" not in html
    assert 'aria-current="page">Page 1</span>' in html  # the number of pages is not known
    assert 'rel="next"' in html and "제안 01" in html and "제안 21" not in html
    second = client.get(LIST, {"sort": "newest", "page": "2"}).content.decode()
    assert second.count('class="card proposal-card"') == 5 and 'rel="next"' not in second
    assert "제안 25" in second and 'rel="prev"' in second
    # Junk beyond the end: the exact count's last page, honestly counted.
    beyond = client.get(LIST, {"sort": "newest", "page": "40"}).content.decode()
    assert "25 proposals" in beyond and "Page 2 of 2" in beyond


@pytest.mark.usefixtures("no_page_cache")
def test_list_page_queries_equal_capped_or_not(
    client, many, monkeypatch, django_assert_num_queries
):
    with django_assert_num_queries(6):
        client.get(LIST)
    _cap(monkeypatch, 5)
    with django_assert_num_queries(6):
        client.get(LIST)


def test_api_small_list_exact_and_not_capped(client, many):
    data = client.get(API).json()
    assert (data["count"], data["count_capped"]) == (25, False)
    assert data["next"] and len(data["results"]) == 20


def test_api_past_the_cap(client, many, monkeypatch):
    _cap(monkeypatch, 20)
    data = client.get(API, {"sort": "newest"}).json()
    assert (data["count"], data["count_capped"]) == (20, True)
    assert data["next"].endswith("page=2") and len(data["results"]) == 20
    second = client.get(data["next"]).json()
    assert len(second["results"]) == 5 and second["next"] is None
    assert second["results"][-1]["title"] == "제안 25"
    schema = client.get("/api/v1/openapi.json").json()
    assert "count_capped" in str(schema["components"]["schemas"])
