"""The data export holds consent IP addresses and audit entries; private pages are never cached."""

from __future__ import annotations

import json

import pytest

from sharehub.accounts import services
from sharehub.core.audit import log_action
from sharehub.events.tests.factories import EventFactory
from sharehub.newsletters import services as newsletters
from sharehub.newsletters import tokens
from sharehub.newsletters.tests.factories import TopicFactory
from sharehub.organizations import services as organizations

pytestmark = pytest.mark.django_db


def test_export_holds_consent_ip_addresses_and_the_audit_entries_of_the_person(user, other_user):
    subscriber = newsletters.subscribe(
        email=user.email, topic_ids=[TopicFactory().pk], language="ko", ip="198.51.100.9"
    )
    newsletters.confirm(token=tokens.confirm_token(subscriber), ip="2001:db8::7")
    organization = organizations.create_organization(
        actor=user, name_ko="나눔 부엌", kind="cooperative"
    )
    log_action(
        actor=other_user, action="accounts.roles_changed", target=user, reason="new moderator"
    )

    data = services.export_user_data(user=user)["data"]
    json.dumps(data)  # JSON-ready as it is

    consents = data["newsletters"][0]["consents"]
    assert [(c["action"], c["ip"]) for c in consents] == [
        ("subscribe", "198.51.100.9"),
        ("confirm", "2001:db8::7"),
    ]
    caused = data["audit"]["caused_by_you"]
    assert [(e["action"], e["object"], e["object_id"]) for e in caused] == [
        ("organizations.created", "organizations.organization", str(organization.pk))
    ]
    about = data["audit"]["about_your_account"]
    assert [(e["action"], e["reason"]) for e in about] == [
        ("accounts.roles_changed", "new moderator")
    ]
    assert services.export_user_data(user=other_user)["data"]["audit"]["about_your_account"] == []


def test_the_audit_keeps_its_entries_but_not_the_persons_address(user):
    organization = organizations.create_organization(
        actor=user, name_ko="나눔 부엌", kind="cooperative"
    )
    entry = log_action(
        actor=user,
        action="test.noted",
        target=organization,
        reason=f"asked by {user.email.upper()}",
        data={"to": [user.email]},
    )
    services.delete_account(actor=user, user=user)
    entry.refresh_from_db()
    assert (
        entry.actor_id == user.pk
        and entry.reason == "asked by [erased]"
        and entry.data == {"to": ["[erased]"]}
    )


def _no_store(response) -> bool:
    policy = response.get("Cache-Control", "")
    return "no-store" in policy and "private" in policy


@pytest.mark.parametrize(
    "path",
    [
        "/ko/me/",
        "/ko/me/tokens/",
        "/ko/me/privacy/",
        "/ko/me/privacy/export/",
        "/ko/notifications/",
        "/ko/notifications/preferences/",
        "/ko/organizations/{org}/members/",
        "/ko/organizations/{org}/edit/",
        "/ko/events/mine/",
        "/ko/events/{event}/manage/",
        "/ko/designation/",
        "/ko/news/write/",
        "/ko/",
        "/api/v1/me",
    ],
)
def test_pages_of_a_signed_in_person_are_not_stored(client, user, path):
    organization = organizations.create_organization(
        actor=user, name_ko="나눔 부엌", kind="cooperative"
    )
    event = EventFactory(organization=organization)
    client.force_login(user)
    response = client.get(path.format(org=organization.slug, event=event.pk))
    assert response.status_code == 200
    assert _no_store(response)


def test_a_personal_token_makes_the_api_answer_private(client, user):
    _token, secret = services.create_api_token(actor=user, name="script")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200 and _no_store(response)


def test_public_pages_for_anonymous_visitors_and_public_cache_policies_are_kept(client, user):
    assert not _no_store(client.get("/ko/"))
    client.force_login(user)
    feed = client.get("/ko/events/feed.ics")
    assert feed["Cache-Control"] == "public, max-age=600"


def test_staff_tools_are_not_stored(client, moderator):
    client.force_login(moderator)
    response = client.get("/ko/moderation/")
    assert response.status_code == 200 and _no_store(response)
