"""URL × method × role → status for every page of the news (DESIGN §8)."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from sharehub.core import ratelimit
from sharehub.news.models import ArticleKind, ArticleStatus

from .factories import ArticleFactory, PageFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "member", "other_member", "moderator", "editor"]
LOGIN = "login"  # anonymous users are sent to the login page


@pytest.fixture
def draft(organization, member):
    """A draft story of `organization`, written by `member`."""
    return ArticleFactory(
        kind=ArticleKind.STORY,
        organization=organization,
        created_by=member,
        status=ArticleStatus.DRAFT,
        publish_at=None,
    )


@pytest.fixture
def in_review(organization, member):
    return ArticleFactory(
        kind=ArticleKind.STORY,
        organization=organization,
        created_by=member,
        status=ArticleStatus.REVIEW,
        publish_at=None,
    )


@pytest.fixture
def published(organization, member):
    return ArticleFactory(kind=ArticleKind.STORY, organization=organization, created_by=member)


# (url name, article fixture or None, method, POST data) → status per role
MATRIX = [
    ("news:list", None, "get", None, dict.fromkeys(ROLES, 200)),
    ("news:rss", None, "get", None, dict.fromkeys(ROLES, 200)),
    ("news:pages", None, "get", None, dict.fromkeys(ROLES, 200)),
    ("news:detail", "published", "get", None, dict.fromkeys(ROLES, 200)),
    (
        "news:detail",
        "draft",
        "get",
        None,
        {
            "anonymous": 404,
            "citizen": 404,
            "member": 200,
            "other_member": 404,
            "moderator": 404,
            "editor": 200,
        },
    ),
    (
        "news:create",
        None,
        "get",
        None,
        {
            "anonymous": LOGIN,
            "citizen": 403,
            "member": 200,
            "other_member": 200,
            "moderator": 403,
            "editor": 200,
        },
    ),
    (
        "news:desk",
        None,
        "get",
        None,
        {
            "anonymous": LOGIN,
            "citizen": 403,
            "member": 200,
            "other_member": 200,
            "moderator": 403,
            "editor": 200,
        },
    ),
    (
        "news:edit",
        "draft",
        "post",
        {
            "kind": "story",
            "organization": "<organization>",
            "title_ko": "고침",
            "licence": "cc-by-4.0",
        },
        {
            "anonymous": LOGIN,
            "citizen": 404,
            "member": 302,
            "other_member": 404,
            "moderator": 404,
            "editor": 302,
        },
    ),
    (
        "news:edit",
        "in_review",
        "get",
        None,
        {
            "anonymous": LOGIN,
            "citizen": 404,
            "member": 403,
            "other_member": 404,
            "moderator": 404,
            "editor": 200,
        },
    ),
    (
        "news:edit",
        "published",
        "get",
        None,
        {
            "anonymous": LOGIN,
            "citizen": 403,
            "member": 403,
            "other_member": 403,
            "moderator": 403,
            "editor": 200,
        },
    ),
    (
        "news:submit",
        "draft",
        "post",
        {},
        {
            "anonymous": LOGIN,
            "citizen": 404,
            "member": 302,
            "other_member": 404,
            "moderator": 404,
            "editor": 302,
        },
    ),
    (
        "news:review",
        "in_review",
        "get",
        None,
        {
            "anonymous": LOGIN,
            "citizen": 403,
            "member": 403,
            "other_member": 403,
            "moderator": 403,
            "editor": 200,
        },
    ),
    (
        "news:publish",
        "in_review",
        "post",
        {},
        {
            "anonymous": LOGIN,
            "citizen": 403,
            "member": 403,
            "other_member": 403,
            "moderator": 403,
            "editor": 302,
        },
    ),
    (
        "news:publish",
        "draft",
        "post",
        {},
        {
            "anonymous": LOGIN,
            "citizen": 403,
            "member": 403,
            "other_member": 403,
            "moderator": 403,
            "editor": 302,
        },
    ),
    (
        "news:return",
        "in_review",
        "post",
        {"note": "고쳐 주세요"},
        {
            "anonymous": LOGIN,
            "citizen": 403,
            "member": 403,
            "other_member": 403,
            "moderator": 403,
            "editor": 302,
        },
    ),
    (
        "news:unpublish",
        "published",
        "post",
        {},
        {
            "anonymous": LOGIN,
            "citizen": 403,
            "member": 403,
            "other_member": 403,
            "moderator": 403,
            "editor": 302,
        },
    ),
    (
        "news:delete",
        "draft",
        "post",
        {},
        {
            "anonymous": LOGIN,
            "citizen": 404,
            "member": 302,
            "other_member": 404,
            "moderator": 404,
            "editor": 302,
        },
    ),
    (
        "news:delete",
        "published",
        "post",
        {},
        {
            "anonymous": LOGIN,
            "citizen": 403,
            "member": 403,
            "other_member": 403,
            "moderator": 403,
            "editor": 302,
        },
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,fixture,method,data,expected", MATRIX)
def test_matrix(client, request, actors, organization, role, name, fixture, method, data, expected):
    if data and data.get("organization") == "<organization>":
        data = {**data, "organization": organization.pk}
    if fixture is None:
        url = reverse(name)
    else:
        url = reverse(name, args=[request.getfixturevalue(fixture).slug])
    actor = actors[role]
    if actor is not None:
        client.force_login(actor)
    response = client.get(url) if method == "get" else client.post(url, data)
    if expected[role] == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], (
            name,
            role,
        )
    else:
        assert response.status_code == expected[role], (name, fixture, role, response.status_code)


@pytest.mark.parametrize(
    "role,status",
    [("anonymous", LOGIN), ("citizen", 403), ("member", 403), ("moderator", 403), ("editor", 200)],
)
def test_page_edit(client, actors, role, status):
    page = PageFactory()
    actor = actors[role]
    if actor is not None:
        client.force_login(actor)
    response = client.get(reverse("news:page_edit", args=[page.slug]))
    if status == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == status


def test_get_on_post_only_actions_is_405(client, city_staff, published):
    client.force_login(city_staff)
    assert client.get(reverse("news:publish", args=[published.slug])).status_code == 405
    assert client.get(reverse("news:delete", args=[published.slug])).status_code == 405


def test_writes_need_a_csrf_token(city_staff, draft):

    client = Client(enforce_csrf_checks=True)
    client.force_login(city_staff)
    assert client.post(reverse("news:publish", args=[draft.slug]), {}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.DRAFT


def test_writing_is_rate_limited(client, city_staff, monkeypatch):

    now = time.time()
    monkeypatch.setattr(
        ratelimit, "time", SimpleNamespace(time=lambda: now)
    )  # one window, however slow the run
    client.force_login(city_staff)
    statuses = [
        client.post(
            reverse("news:create"), {"kind": "news", "title_ko": "", "licence": "cc-by-4.0"}
        ).status_code
        for _ in range(31)
    ]
    assert statuses[:30] == [400] * 30 and statuses[30] == 429


def test_public_articles_can_be_reported(client, user, published):
    client.force_login(user)
    text = client.get(reverse("news:detail", args=[published.slug])).content.decode()
    assert 'class="report-link"' in text
