from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sharehub.news import services
from sharehub.news.models import ArticleKind, ArticleStatus

from .factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/news"


def test_list_public_articles_newest_first(client):
    older = ArticleFactory(publish_at=timezone.now() - timedelta(days=3), licence="cc0-1.0")
    newer = ArticleFactory()
    ArticleFactory(status=ArticleStatus.DRAFT, publish_at=None)
    ArticleFactory(publish_at=timezone.now() + timedelta(days=1))
    body = client.get(f"{BASE}/articles").json()
    assert body["count"] == 2
    assert [item["slug"] for item in body["results"]] == [newer.slug, older.slug]
    assert body["results"][1]["licence"] == {
        "code": "cc0-1.0",
        "name": body["results"][1]["licence"]["name"],
        "url": "https://creativecommons.org/publicdomain/zero/1.0/",
    }
    assert body["results"][0]["url"].endswith(newer.get_absolute_url())


def test_filters(client, organization):
    tag = TagFactory(slug="parking")
    policy = ArticleFactory(kind=ArticleKind.POLICY)
    tagged = ArticleFactory(organization=organization)
    tagged.tags.add(tag)
    assert [
        a["slug"] for a in client.get(f"{BASE}/articles", {"kind": "policy"}).json()["results"]
    ] == [policy.slug]
    assert [
        a["slug"] for a in client.get(f"{BASE}/articles", {"tag": "parking"}).json()["results"]
    ] == [tagged.slug]
    assert [
        a["slug"]
        for a in client.get(f"{BASE}/articles", {"organization": organization.slug}).json()[
            "results"
        ]
    ] == [tagged.slug]


def test_bad_filters_are_422_with_field_errors(client):
    response = client.get(f"{BASE}/articles", {"kind": "rumour", "tag": "nope", "page": "x"})
    assert response.status_code == 422
    assert "page" in response.json()["errors"]
    response = client.get(
        f"{BASE}/articles", {"kind": "rumour", "tag": "nope"}, headers={"accept-language": "ko"}
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"kind", "tag"}


def test_search_finds_korean_with_a_particle(client, city_staff):

    article = services.create_article(
        actor=city_staff, title_ko="공구 도서관 개관", body_ko="<p>공구를 빌립니다</p>"
    )
    services.publish_article(actor=city_staff, article=article)
    results = client.get(f"{BASE}/articles", {"q": "도서관에서"}).json()["results"]
    assert [a["slug"] for a in results] == [article.slug]
    assert "<mark>" in results[0]["highlight"]


@pytest.mark.parametrize("size", [3, 25])
def test_list_query_count_is_bounded(client, size, django_assert_max_num_queries):
    tag = TagFactory()
    for _ in range(size):
        ArticleFactory().tags.add(tag)
    with django_assert_max_num_queries(5):
        assert client.get(f"{BASE}/articles").status_code == 200


def test_detail_and_404_for_unpublished(client, member, organization):
    article = ArticleFactory(body_en="<p>Hello</p>")
    body = client.get(f"{BASE}/articles/{article.slug}").json()
    assert body["body_en"] == "<p>Hello</p>" and body["status"] == "published"
    draft = ArticleFactory(status=ArticleStatus.DRAFT, publish_at=None, organization=organization)
    response = client.get(f"{BASE}/articles/{draft.slug}")
    assert response.status_code == 404 and response.json()["errors"] == {}
    client.force_login(member)
    assert client.get(f"{BASE}/articles/{draft.slug}").status_code == 200
    assert client.get(f"{BASE}/articles/missing").status_code == 404


def test_feeds_endpoint(client, organization):
    tag = TagFactory(slug="tools")
    article = ArticleFactory(organization=organization)
    article.tags.add(tag)
    feeds = client.get(f"{BASE}/feeds").json()
    titles = [feed["title"] for feed in feeds]
    assert titles == ["all", "tag:tools", f"organization:{organization.slug}"]
    assert feeds[0]["rss"].endswith("/news/feed/rss/") and feeds[0]["atom"].endswith(
        "/news/feed/atom/"
    )
    assert client.get(feeds[1]["rss"].replace("http://testserver", "")).status_code == 200
