"""Deleting an account leaves no personal data anywhere: a person who used every app is deleted
through the real service, then every text column of every table (and the cache) is searched for
their e-mail, name and IP address."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import models

from sharehub.accounts import services as accounts
from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.audit import log_action
from sharehub.designation import services as designation
from sharehub.directory import services as directory
from sharehub.directory.suggestions import submit_suggestion
from sharehub.events import services as events
from sharehub.events.tests.factories import EventFactory
from sharehub.moderation import services as moderation
from sharehub.news import services as news
from sharehub.newsletters import services as newsletters
from sharehub.newsletters import tokens
from sharehub.newsletters.models import Subscriber
from sharehub.newsletters.tests.factories import TopicFactory
from sharehub.notifications.services import notify
from sharehub.organizations import services as organizations
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    organization_owned_by,
)

EMAIL = "zelda.quokka@example.org"
NAME = "Zelda Quokkaberg"
IP = "192.0.2.77"
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.GenericIPAddressField)


def _text_columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]


def _leaks(needles: list[str]) -> list[str]:
    """Every (table, row, column) whose value contains a needle, JSON decoded (SQLite escapes non-ASCII)."""
    found = []
    for model in apps.get_models():
        columns = _text_columns(model)
        if not columns or not model._meta.managed:
            continue
        for row in model._base_manager.values_list("pk", *columns):
            for column, value in zip(columns, row[1:], strict=True):
                text = (
                    value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                ).lower()
                found += [
                    f"{model._meta.label}#{row[0]}.{column}: {needle}"
                    for needle in needles
                    if needle in text
                ]
    return found


def _cache_leaks(needles: list[str]) -> list[str]:
    store = getattr(cache, "_cache", {})  # the tests' local-memory cache
    return [f"cache {key}" for key in store for needle in needles if needle in key.lower()]


def _touch_every_app(person, client) -> None:
    accounts.update_profile(actor=person, user=person, display_name=NAME)
    accounts.record_consent(user=person, version="2026-01")
    accounts.create_api_token(actor=person, name=f"{NAME}'s script")

    # An organization they created, with their address as its contact, and a fellow member.
    own = organizations.create_organization(
        actor=person,
        name_ko="퀴카 공방",
        name_en="Quokka workshop",
        kind="cooperative",
        email=EMAIL.upper(),
    )
    MembershipFactory(organization=own, role=MemberRole.EDITOR)
    directory.ensure_listing(actor=person, organization=own)
    directory.update_listing(actor=person, organization=own, email=EMAIL, phone="02-123-4567")
    organizations.invite_member(actor=person, organization=own, email="friend@example.org")
    other = organization_owned_by(UserFactory())
    organizations.invite_member(actor=other.memberships.get().user, organization=other, email=EMAIL)
    designation.create_application(
        actor=person, organization=own, kind="enterprise", activities="공구 대여", plan="3년 계획"
    )

    published = OrganizationFactory()
    published_listing = directory.ensure_listing(
        actor=UserFactory(is_city_staff=True), organization=published
    )
    submit_suggestion(
        actor=person,
        kind="correction",
        listing=published_listing,
        values={"email": EMAIL, "phone": "010-9999-0000"},
        message=f"I am {NAME}, write to {EMAIL}",
    )

    event = EventFactory(organization=own)
    question = events.add_question(actor=person, event=event, label_ko="연락처", kind="text")
    events.register(actor=person, event=event, answers={str(question.pk): f"{NAME} {EMAIL}"})

    news.create_article(
        actor=person,
        kind="story",
        title_ko="우리 공방 이야기",
        organization=own,
        body_ko="<p>공구를 나눕니다.</p>",
    )

    topic = TopicFactory()
    page = client.post(
        "/ko/newsletters/",
        {"email": EMAIL, "topics": [topic.pk], "language": "ko", "consent": "on"},
        REMOTE_ADDR=IP,
    )
    assert page.status_code == 200
    subscriber = Subscriber.objects.get(email=EMAIL)
    newsletters.confirm(token=tokens.confirm_token(subscriber), ip=IP)

    # Support programmes: they follow a call, apply for their organization with their address in
    # an answer, and review another organization's application, naming themselves in comments.
    from sharehub.programmes.services import applications as programme_applications
    from sharehub.programmes.services import calls as programme_calls
    from sharehub.programmes.services import review as programme_review
    from sharehub.programmes.tests.factories import applicant, designate_directly, open_call

    call = open_call()
    programme_calls.follow_call(actor=person, call=call)
    designate_directly(own)
    draft = programme_applications.create_application(
        actor=person, call=call, organization=own, track=call.tracks.first(), title=f"{NAME}의 사업"
    )
    programme_applications.save_application(
        actor=person,
        application=draft,
        changes=programme_applications.ApplicationChanges(
            answers={"plan": f"담당 {NAME}, {EMAIL}"}, requested_amount=1_000_000
        ),
    )
    staff = UserFactory(is_city_staff=True)
    other_org, _other_owner = applicant()
    theirs = programme_applications.create_application(
        actor=other_org.memberships.get().user,
        call=call,
        organization=other_org,
        track=call.tracks.first(),
        title="다른 사업",
    )
    theirs.status, theirs.submitted_at = "in_review", theirs.created_at
    theirs.save()
    (assignment,) = programme_review.assign_reviewers(
        actor=staff, application=theirs, reviewers=[person]
    )
    programme_review.declare_conflict(actor=person, assignment=assignment, conflict=False)
    programme_review.save_scores(
        actor=person,
        assignment=assignment,
        scores={},
        comment=f"{NAME} ({EMAIL}) reviewed this.",
    )

    reported = OrganizationFactory()
    moderation.report(
        actor=person,
        obj=reported,
        reason="wrong",
        details=f"{NAME} here: reach me at {EMAIL} from {IP}",
    )

    notify(user=person, kind="moderation.decision", title="Hello", body="A message for you")
    log_action(
        actor=person,
        action="accounts.test",
        target=person,
        reason=f"requested by {EMAIL}",
        data={"ip": IP, "email": EMAIL},
    )

    client.post("/en/accounts/login/", {"login": EMAIL, "password": "wrong"}, REMOTE_ADDR=IP)
    client.post("/en/accounts/password/reset/", {"email": EMAIL}, REMOTE_ADDR=IP)


@pytest.mark.django_db
def test_deleting_an_account_leaves_no_email_name_or_ip_anywhere(
    client, django_capture_on_commit_callbacks
):
    person = UserFactory(email=EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        _touch_every_app(person, client)
    needles = [EMAIL, NAME.lower(), IP]
    assert len(_leaks(needles)) > 10  # the scan sees what was written
    cached = _cache_leaks(needles)
    assert any("newsletters.address" in key for key in cached) and any(
        "newsletters.subscribe:ip" in key for key in cached
    )

    with django_capture_on_commit_callbacks(execute=True):
        accounts.delete_account(actor=person, user=person)

    leaks = _leaks(needles)
    assert not leaks, "\n".join(leaks)
    assert _cache_leaks(needles) == []
