from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from sharehub.accounts.tests.factories import UserFactory
from sharehub.moderation.services import TRANSITIONS
from sharehub.notifications import services
from sharehub.notifications.kinds import all_kinds
from sharehub.notifications.models import Notification, NotificationPreference, OutboundEmail
from sharehub.notifications.privacy_data import (
    ERASED_SUBJECT,
    erase_notifications,
    export_notifications,
)
from sharehub.notifications.selectors import preferences_for, unread_count

from .factories import NotificationFactory, OutboundEmailFactory

pytestmark = pytest.mark.django_db

KIND = "moderation.decision"  # registered by the moderation app
# Translated strings of a real kind; the moderation app's catalogue holds them.
PUBLISHED = TRANSITIONS["publish"]
TITLE = PUBLISHED.title
BODY = PUBLISHED.body


def tell(user, **extra):
    return services.notify(
        user=user,
        kind=KIND,
        title=TITLE,
        body=BODY,
        url="/ko/organizations/x/",
        params={"title": "나눔 <Share> 🙂"},
        **extra,
    )


def test_notify_stores_in_app_and_queues_mail(user):
    notification = tell(user)
    assert notification.user == user
    assert notification.read_at is None
    assert "나눔 <Share> 🙂" in notification.title
    outbound = OutboundEmail.objects.get()
    assert outbound.to == [user.email]
    assert outbound.user == user
    assert outbound.kind == KIND
    assert outbound.status == OutboundEmail.Status.QUEUED
    assert "나눔 <Share> 🙂" in outbound.body_text  # plain text is not HTML-escaped
    assert "나눔 &lt;Share&gt; 🙂" in outbound.body_html  # the HTML version is


def test_each_user_reads_their_own_language():
    korean = UserFactory(preferred_language="ko")
    english = UserFactory(preferred_language="en")
    tell(korean)
    tell(english)
    ko_mail = OutboundEmail.objects.get(user=korean)
    en_mail = OutboundEmail.objects.get(user=english)
    assert ko_mail.subject == "[공유허브] 게시됨: 나눔 <Share> 🙂"
    assert en_mail.subject == "[ShareHub] Published: 나눔 <Share> 🙂"
    assert (
        "안녕하세요" in ko_mail.body_text and "/ko/notifications/preferences/" in ko_mail.body_text
    )
    assert "Hello" in en_mail.body_text and "/en/notifications/preferences/" in en_mail.body_text
    assert 'lang="en"' in en_mail.body_html and 'lang="ko"' in ko_mail.body_html
    assert Notification.objects.get(user=english).body.startswith("Your submission")


def test_mail_links_are_absolute(user, settings):
    settings.SHAREHUB_SITE_URL = "https://share.seoul.example"
    tell(user)
    outbound = OutboundEmail.objects.get()
    assert "https://share.seoul.example/ko/organizations/x/" in outbound.body_text
    assert 'href="https://share.seoul.example/ko/organizations/x/"' in outbound.body_html


def test_email_preference_off_stores_only_in_app(user):
    services.set_email_preference(actor=user, kind=KIND, email=False)
    tell(user)
    assert Notification.objects.filter(user=user).count() == 1
    assert not OutboundEmail.objects.exists()


def test_inactive_user_gets_no_mail():
    tell(UserFactory(is_active=False))
    assert Notification.objects.count() == 1
    assert not OutboundEmail.objects.exists()


def test_unknown_kind_is_a_programming_error(user):
    with pytest.raises(KeyError):
        services.notify(user=user, kind="no.such.kind", title="x")
    with pytest.raises(KeyError):
        services.set_email_preference(actor=user, kind="no.such.kind", email=True)


def test_mail_is_sent_after_commit_only(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tell(user)
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        tell(user)
        raise RuntimeError("the caller's transaction fails")
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_mark_read_only_affects_own_notifications(user, other_user):
    mine = NotificationFactory.create_batch(2, user=user)
    theirs = NotificationFactory(user=other_user)
    assert services.mark_read(actor=user, notification_ids=[mine[0].pk, theirs.pk]) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert unread_count(user=user) == 1
    assert services.mark_read(actor=user) == 1
    assert unread_count(user=user) == 0
    assert unread_count(user=other_user) == 1


def test_preferences_default_and_saved(user):
    kinds = {p.kind.code: p.email for p in preferences_for(user=user)}
    assert set(kinds) == {k.code for k in all_kinds()}
    assert kinds[KIND] is True
    services.set_email_preferences(actor=user, choices={KIND: False, "moderation.report": True})
    services.set_email_preferences(actor=user, choices={KIND: False})
    assert NotificationPreference.objects.filter(user=user).count() == 2
    assert {p.kind.code: p.email for p in preferences_for(user=user)}[KIND] is False


def test_privacy_export(user):
    tell(user)
    services.set_email_preference(actor=user, kind=KIND, email=False)
    data = export_notifications(user)
    assert data["notifications"][0]["title"].endswith("나눔 <Share> 🙂")
    assert data["preferences"] == [{"kind": KIND, "email": False}]
    assert len(data["emails"]) == 1


def test_privacy_erase(user, other_user):
    tell(user)
    tell(other_user)
    services.set_email_preference(actor=user, kind=KIND, email=False)
    # Account mail (sign-up, password reset) has no user link, only the address.
    account_mail = OutboundEmailFactory(
        to=[f"Someone <{user.email.upper()}>"], status=OutboundEmail.Status.SENT
    )
    lookalike = OutboundEmailFactory(to=[f"x{user.email}"])
    erase_notifications(user)
    assert not Notification.objects.filter(user=user).exists()
    assert not NotificationPreference.objects.filter(user=user).exists()
    account_mail.refresh_from_db()
    assert (account_mail.subject, account_mail.to, account_mail.body_text, account_mail.status) == (
        ERASED_SUBJECT,
        [],
        "",
        "sent",
    )
    queued = OutboundEmail.objects.get(kind=KIND, subject=ERASED_SUBJECT)
    assert queued.status == OutboundEmail.Status.FAILED  # nobody left to send it to
    assert queued.user is None and queued.body_html == ""
    lookalike.refresh_from_db()
    assert lookalike.subject != ERASED_SUBJECT
    assert Notification.objects.filter(user=other_user).count() == 1
    assert (
        OutboundEmail.objects.filter(user=other_user, status=OutboundEmail.Status.QUEUED).count()
        == 1
    )


def test_privacy_handler_is_registered():
    from sharehub.core import privacy

    assert "notifications" in {handler.name for handler in privacy.handlers()}
