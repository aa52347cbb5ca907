"""Subscribing with double opt-in, preferences and one-click unsubscribe, against a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sharehub.newsletters import services, tokens, upkeep
from sharehub.newsletters.models import ConsentRecord, Subscriber

from .conftest import link_in, path_of, text_of
from .factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def subscribe_form(topic_list, **extra):
    data = {
        "email": "Reader@Example.ORG",
        "topics": [topic_list[0].pk, topic_list[1].pk],
        "language": "en",
        "district": "",
        "consent": "on",
    }
    data.update(extra)
    return data


def test_double_opt_in_end_to_end(
    client, topics, district, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("newsletters:list"), subscribe_form(topics, district=district.pk)
        )
    assert response.status_code == 200
    assert "Reader@example.org" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.email == "Reader@example.org"
    assert subscriber.language == "en" and subscriber.district == district
    assert set(subscriber.topics.all()) == {topics[0], topics[1]}
    consent = ConsentRecord.objects.get()
    assert (
        consent.action == "subscribe"
        and consent.text_version
        and consent.text
        and consent.ip == "127.0.0.1"
    )

    [mail] = smtp_server.messages
    assert mail["To"] == "Reader@example.org"
    assert "Confirm your subscription" in mail["Subject"]  # in the chosen language (en)
    url = link_in(mail, "confirm")
    assert "/en/newsletters/confirm/" in url

    # GET only shows the button (mail scanners open links); POST confirms.
    assert client.get(path_of(url)).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    response = Client(enforce_csrf_checks=False).post(path_of(url))
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED and subscriber.confirmed_at
    assert list(subscriber.consents.values_list("action", flat=True)) == ["subscribe", "confirm"]
    # Confirming twice is harmless.
    assert client.post(path_of(url)).status_code == 200
    assert subscriber.consents.count() == 2


def test_korean_subscriber_gets_korean_confirmation(
    client, topics, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("newsletters:list"), subscribe_form(topics, language="ko"))
    [mail] = smtp_server.messages
    assert "구독" in mail["Subject"]
    assert "/ko/newsletters/confirm/" in link_in(mail, "confirm")


@pytest.mark.parametrize(
    "language,confirm_subject,already_subject,hub",
    [
        (
            "ko",
            "[공유허브] 뉴스레터 구독을 확인해 주세요",
            "[공유허브] 이미 뉴스레터를 구독하고 계십니다",
            "공유허브",
        ),
        (
            "en",
            "[ShareHub] Confirm your subscription to the newsletter",
            "[ShareHub] You already receive the newsletter",
            "ShareHub",
        ),
    ],
)
def test_subscription_mails_carry_the_hub_in_their_language(
    client,
    topics,
    smtp_server,
    django_capture_on_commit_callbacks,
    language,
    confirm_subject,
    already_subject,
    hub,
):
    """The hub's prefix on the subject and its name as the sender, as on its other mails."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("newsletters:list"), subscribe_form(topics, language=language))
    SubscriberFactory(email="known@example.org", language=language, topics=[topics[0]])
    with django_capture_on_commit_callbacks(execute=True):
        services.subscribe(email="known@example.org", topic_ids=[topics[0].pk], language=language)
    confirm, already = smtp_server.messages
    assert (confirm["Subject"], already["Subject"]) == (confirm_subject, already_subject)
    for mail in (confirm, already):
        [sender] = mail["From"].addresses
        assert (sender.display_name, sender.addr_spec) == (hub, "noreply@sharehub.localhost")


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": "spam@mailinator.com"}, "email"),
        ({"topics": []}, "topics"),
        ({"topics": [999999]}, "topics"),
        ({"language": "fr"}, "language"),
        ({"district": 999999}, "district"),
        ({"consent": ""}, "consent"),
    ],
)
def test_bad_input_keeps_nothing(client, topics, smtp_server, changes, field):
    response = client.post(reverse("newsletters:list"), subscribe_form(topics, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Subscriber.objects.count() == 0 and ConsentRecord.objects.count() == 0
    assert smtp_server.messages == []


def test_errors_in_korean(client, topics):
    response = client.post("/ko/newsletters/", subscribe_form(topics, email="x"))
    assert (
        "올바른 이메일" in response.content.decode() or "유효한 이메일" in response.content.decode()
    )


def test_rate_limit_per_address_and_per_ip(
    client, topics, smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.SHAREHUB_NEWSLETTER_SUBSCRIBE_RATE_ADDRESS = "2/h"
    settings.SHAREHUB_NEWSLETTER_SUBSCRIBE_RATE_IP = "4/h"
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            client.post(reverse("newsletters:list"), subscribe_form(topics)).status_code
            for _ in range(3)
        ]
    assert statuses == [200, 200, 429]
    assert len(smtp_server.messages) == 2
    # Another address from the same IP: the per-IP limit (4) is reached at the 5th request.
    assert (
        client.post(
            reverse("newsletters:list"), subscribe_form(topics, email="b@example.org")
        ).status_code
        == 200
    )
    assert (
        client.post(
            reverse("newsletters:list"), subscribe_form(topics, email="c@example.org")
        ).status_code
        == 429
    )
    assert not Subscriber.objects.filter(email="c@example.org").exists()


def test_forged_and_expired_confirm_tokens(client, topics):
    subscriber = SubscriberFactory(status=Subscriber.Status.PENDING, confirmed_at=None)
    token = tokens.confirm_token(subscriber)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (forged, "12:abc:def", "nonsense", f"{subscriber.pk + 1}:{token.split(':', 1)[1]}"):
        response = client.post(reverse("newsletters:confirm", args=[bad]))
        assert response.status_code == 400
        assert "올바르지 않은 링크" in response.content.decode()
    # Expired: signed four days ago.
    from unittest import mock

    with mock.patch(
        "django.core.signing.time.time", return_value=timezone.now().timestamp() - 4 * 86400
    ):
        old = tokens.confirm_token(subscriber)
    response = client.post(reverse("newsletters:confirm", args=[old]))
    assert response.status_code == 400 and "유효 기간이 지났습니다" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_unconfirmed_subscribers_are_purged(topics):
    old = SubscriberFactory(status=Subscriber.Status.PENDING, confirmed_at=None)
    Subscriber.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    recent = SubscriberFactory(status=Subscriber.Status.PENDING, confirmed_at=None)
    confirmed = SubscriberFactory()
    Subscriber.objects.filter(pk=confirmed.pk).update(
        created_at=timezone.now() - timedelta(days=90)
    )
    assert upkeep.purge_unconfirmed() >= 1
    assert set(Subscriber.objects.values_list("pk", flat=True)) == {recent.pk, confirmed.pk}


def test_preferences_page_without_login(client, topics, district):
    subscriber = SubscriberFactory(topics=[topics[0]])
    token = tokens.manage_token(subscriber.pk, subscriber.secret)
    url = reverse("newsletters:preferences", args=[token])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"topics": [topics[1].pk, topics[2].pk], "language": "en", "district": district.pk}
    )
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert set(subscriber.topics.all()) == {topics[1], topics[2]}
    assert subscriber.language == "en" and subscriber.district == district
    assert subscriber.consents.filter(action="preferences").exists()
    # Bad input: no topic.
    response = client.post(url, {"topics": [], "language": "en"})
    assert response.status_code == 200 and "topics" in response.context["form"].errors
    assert subscriber.topics.count() == 2
    # A rotated secret invalidates the old link.
    services.reset_links(subscriber=subscriber)
    assert client.get(url).status_code == 400


def test_one_click_unsubscribe_post_without_cookies_or_csrf(topics):
    subscriber = SubscriberFactory(topics=[topics[0]])
    token = tokens.manage_token(subscriber.pk, subscriber.secret)
    url = reverse("newsletters:unsubscribe", args=[token])
    # GET never unsubscribes (scanners prefetch links).
    assert Client().get(url).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    # A mail provider's POST: no cookie at all, CSRF checks on.
    browserless = Client(enforce_csrf_checks=True)
    response = browserless.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED and subscriber.unsubscribed_at
    # Idempotent: again 200, nothing more recorded.
    assert (
        browserless.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 200
    )
    assert subscriber.consents.filter(action="unsubscribe").count() == 1
    # Forged token: a clear 400, nothing changes.
    assert (
        browserless.post(reverse("newsletters:unsubscribe", args=[token + "x"])).status_code == 400
    )


def test_resubscribe_after_unsubscribe(
    client, topics, smtp_server, django_capture_on_commit_callbacks
):
    subscriber = SubscriberFactory(
        email="reader@example.org", status=Subscriber.Status.UNSUBSCRIBED, topics=[topics[2]]
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("newsletters:list"), subscribe_form(topics, email="READER@example.org"))
    assert Subscriber.objects.count() == 1
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert set(subscriber.topics.all()) == {topics[0], topics[1]}
    [mail] = smtp_server.messages
    client.post(path_of(link_in(mail, "confirm")))
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_old_confirm_link_does_not_resubscribe(client, topics):
    subscriber = SubscriberFactory(status=Subscriber.Status.PENDING, confirmed_at=None)
    token = tokens.confirm_token(subscriber)
    services.unsubscribe(subscriber=subscriber)
    assert client.post(reverse("newsletters:confirm", args=[token])).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_confirmed_address_is_not_changed_by_a_stranger(
    client, topics, smtp_server, django_capture_on_commit_callbacks
):
    subscriber = SubscriberFactory(email="reader@example.org", topics=[topics[2]], language="ko")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("newsletters:list"), subscribe_form(topics, email="reader@example.org")
        )
    assert response.status_code == 200  # the same answer as for a new address
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert list(subscriber.topics.all()) == [topics[2]] and subscriber.language == "ko"
    [mail] = smtp_server.messages
    assert "/newsletters/preferences/" in text_of(mail)


def test_subscription_links_account(client, topics, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    client.post(reverse("newsletters:list"), subscribe_form(topics, email=user.email.upper()))
    assert Subscriber.objects.get().user == user


@pytest.mark.parametrize("demo", [True, False])
def test_a_sent_issue_reaches_the_demo_mailbox_of_the_browser_that_subscribed(
    client, topics, smtp_server, fast_sending, settings, django_capture_on_commit_callbacks, demo
):
    """In the demo (no real mail), an issue is kept as a sent outbox row that the browser which
    subscribed the address reads, with the very text that went out; another browser does not.
    With the demo off, nothing is kept besides the mail sent."""
    from sharehub.newsletters.models import Campaign
    from sharehub.newsletters.sending import CampaignSender
    from sharehub.notifications.models import OutboundEmail

    from .factories import CampaignFactory

    settings.SHAREHUB_DEMO_MAILBOX = demo
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("newsletters:list"), subscribe_form(topics))
    # Someone else asks for a password reset for the address: their browser reads that mail,
    # never the address's issues (nor the unsubscribe links in them).
    other = Client()
    other.post(reverse("account_reset_password"), {"email": "Reader@example.org"})
    Subscriber.objects.update(status=Subscriber.Status.CONFIRMED, confirmed_at=timezone.now())
    campaign = CampaignFactory()
    campaign.topics.set([topics[0]])
    Campaign.objects.filter(pk=campaign.pk).update(
        status=Campaign.Status.SENDING, started_at=timezone.now()
    )
    assert CampaignSender(campaign.pk).run().sent == 1
    sent = smtp_server.messages[-1]
    copies = OutboundEmail.objects.filter(kind="newsletters.issue")
    if not demo:
        assert not copies.exists()
        return
    [copy] = copies
    assert copy.to == ["Reader@example.org"] and copy.status == OutboundEmail.Status.SENT
    assert copy.subject == sent["Subject"] == "Sharing City news, December"
    assert copy.body_text == text_of(sent)
    mailbox = "/en/notifications/demo-mailbox/"
    assert "Sharing City news, December" in client.get(mailbox).content.decode()
    detail = client.get(f"{mailbox}{copy.pk}/").content.decode()
    assert "/newsletters/" in detail
    assert "Sharing City news" not in Client().get(mailbox).content.decode()
    assert Client().get(f"{mailbox}{copy.pk}/").status_code == 404
    assert "Sharing City news" not in other.get(mailbox).content.decode()
    assert other.get(f"{mailbox}{copy.pk}/").status_code == 404


def test_a_demo_copy_that_fails_never_fails_the_campaign(
    topics, smtp_server, fast_sending, settings, monkeypatch
):
    from sharehub.newsletters.models import Campaign, Delivery
    from sharehub.newsletters.sending import CampaignSender
    from sharehub.notifications import demo_mailbox

    from .factories import CampaignFactory

    settings.SHAREHUB_DEMO_MAILBOX = True

    def broken(**kwargs):
        raise RuntimeError("the demo mailbox is broken")

    monkeypatch.setattr(demo_mailbox, "keep_copy", broken)
    SubscriberFactory.create_batch(3, topics=[topics[0]])
    campaign = CampaignFactory()
    campaign.topics.set([topics[0]])
    Campaign.objects.filter(pk=campaign.pk).update(
        status=Campaign.Status.SENDING, started_at=timezone.now()
    )
    report = CampaignSender(campaign.pk).run()
    assert report.sent == 3 and report.finished and not report.failure
    assert len(smtp_server.messages) == 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
