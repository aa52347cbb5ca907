"""The user menu: a registry the apps fill from their manifests, rendered in every page's header
for a signed-in person only (issue 12, section 5)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from sharehub.core import user_menu
from sharehub.core.user_menu import register_user_menu_entry, user_menu_entries, user_menu_links

MY_PAGES = {
    "events": "events:mine",
    "organizations": "organizations:mine",
    "subscriptions": "portal:subscriptions",
    "notifications": "notifications:list",
    "account": "accounts:profile",
}


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test (the apps' entries come back afterwards)."""
    monkeypatch.setattr(user_menu, "_entries", {})
    return user_menu._entries


def test_the_apps_register_my_pages_in_order():
    entries = {entry.name: entry for entry in user_menu_entries()}
    assert {name: entries[name].url_name for name in MY_PAGES} == MY_PAGES
    names = [entry.name for entry in user_menu_entries()]
    assert names.index("events") < names.index("organizations") < names.index("account")
    assert names[-1] == "account"


def test_entries_by_order_visibility_and_count(registry, user, rf: RequestFactory):
    register_user_menu_entry("b", label="B", url_name="events:mine", order=20)
    register_user_menu_entry(
        "a",
        label="A",
        url_name="notifications:list",
        order=10,
        count=lambda r: 3,
        count_label="new",
    )
    register_user_menu_entry(
        "hidden", label="H", url_name="accounts:profile", visible=lambda r: False
    )
    request = rf.get(reverse("events:mine"))
    request.user = user
    links = user_menu_links(request)
    assert [link.name for link in links] == ["a", "b"]
    assert links[0].count == 3 and links[0].url == reverse("notifications:list")
    assert links[1].current and not links[0].current


def test_nobody_signed_in_has_no_menu(rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/ko/")
    request.user = AnonymousUser()
    assert user_menu_links(request) == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/ko/", "/en/events/", "/ko/directory/", "/en/news/"])
def test_every_page_has_the_menu_for_a_signed_in_person(client, user, path):
    from sharehub.notifications.tests.factories import NotificationFactory

    NotificationFactory.create_batch(2, user=user)
    client.force_login(user)
    page = client.get(path).content.decode()
    header = page[page.index("<header") : page.index("</header>")]
    assert 'data-testid="user-menu"' in header
    for name, url_name in MY_PAGES.items():
        assert f'href="{reverse(url_name)}" data-testid="user-menu-{name}"' in header
    assert 'data-testid="count-notifications">2<' in header
    assert reverse("account_logout") in header
    assert reverse("account_login") not in header


@pytest.mark.django_db
def test_anonymous_pages_have_login_and_no_user_menu(client):
    page = client.get("/ko/events/").content.decode()
    header = page[page.index("<header") : page.index("</header>")]
    assert 'data-testid="user-menu"' not in header
    assert reverse("events:mine") not in header and reverse("account_logout") not in header
    assert reverse("account_login") in header and reverse("account_signup") in header


@pytest.mark.django_db
def test_unread_count_is_counted_once_per_page(client, user):
    """The header's count and the page's context share one query (notifications' selector)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        client.get("/ko/events/")
    counts = [
        q["sql"]
        for q in queries
        if "notifications_notification" in q["sql"] and "COUNT" in q["sql"].upper()
    ]
    assert len(counts) == 1, counts
