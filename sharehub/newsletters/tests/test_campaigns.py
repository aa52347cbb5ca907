"""Campaigns: segments, language of each mail, RFC 8058 headers, retries, bounces, staff pages."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from sharehub.newsletters import selectors, services
from sharehub.newsletters.models import Campaign, Delivery, Role, Subscriber
from sharehub.newsletters.sending import CampaignSender
from sharehub.organizations.tests.factories import MembershipFactory

from .conftest import html_of, link_in, path_of, text_of
from .factories import CampaignFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def start(campaign: Campaign) -> Campaign:
    Campaign.objects.filter(pk=campaign.pk).update(
        status=Campaign.Status.SENDING, started_at=timezone.now()
    )
    campaign.refresh_from_db()
    return campaign


@pytest.fixture
def population(topics, district, other_district, user, city_staff):
    """Subscribers across every axis of the segment."""
    from sharehub.accounts.tests.factories import UserFactory

    member = UserFactory()
    MembershipFactory(user=member)
    return {
        "ko_city_district": SubscriberFactory(
            email="a@example.org", language="ko", district=district, topics=[topics[0]]
        ),
        "en_city_district": SubscriberFactory(
            email="b@example.org", language="en", district=district, topics=[topics[0], topics[1]]
        ),
        "ko_events_other": SubscriberFactory(
            email="c@example.org", language="ko", district=other_district, topics=[topics[1]]
        ),
        "en_enterprise_member": SubscriberFactory(
            email=member.email, language="en", user=member, topics=[topics[2]]
        ),
        "ko_city_citizen": SubscriberFactory(
            email=user.email, language="ko", user=user, topics=[topics[0]]
        ),
        "ko_city_staff": SubscriberFactory(
            email=city_staff.email, language="ko", user=city_staff, topics=[topics[0]]
        ),
        "pending": SubscriberFactory(
            email="p@example.org", status=Subscriber.Status.PENDING, topics=[topics[0]]
        ),
        "unsubscribed": SubscriberFactory(
            email="u@example.org", status=Subscriber.Status.UNSUBSCRIBED, topics=[topics[0]]
        ),
        "bounced": SubscriberFactory(
            email="x@example.org", status=Subscriber.Status.BOUNCED, topics=[topics[0]]
        ),
    }


@pytest.fixture
def other_district(db):
    from sharehub.places.tests.factories import DistrictFactory

    return DistrictFactory()


def emails(queryset) -> set[str]:
    return set(queryset.values_list("email", flat=True))


def test_segments_pick_exactly_the_right_recipients(population, topics, district):
    p = population
    everyone = {
        s.email for key, s in p.items() if key not in ("pending", "unsubscribed", "bounced")
    }
    assert emails(selectors.segment_subscribers()) == everyone
    assert emails(selectors.segment_subscribers(topic_ids=[topics[0].pk])) == {
        p["ko_city_district"].email,
        p["en_city_district"].email,
        p["ko_city_citizen"].email,
        p["ko_city_staff"].email,
    }
    assert emails(
        selectors.segment_subscribers(topic_ids=[topics[0].pk], district_ids=[district.pk])
    ) == {p["ko_city_district"].email, p["en_city_district"].email}
    assert emails(
        selectors.segment_subscribers(topic_ids=[topics[0].pk, topics[2].pk], languages=["en"])
    ) == {p["en_city_district"].email, p["en_enterprise_member"].email}
    assert emails(selectors.segment_subscribers(roles=[Role.MEMBER])) == {
        p["en_enterprise_member"].email
    }
    assert emails(selectors.segment_subscribers(roles=[Role.CITIZEN])) == {
        p["ko_city_citizen"].email
    }
    assert emails(selectors.segment_subscribers(roles=[Role.STAFF])) == {p["ko_city_staff"].email}
    assert emails(selectors.segment_subscribers(roles=[Role.NONE], topic_ids=[topics[1].pk])) == {
        p["en_city_district"].email,
        p["ko_events_other"].email,
    }


def test_campaign_reaches_its_segment_once_in_each_language_with_rfc8058_headers(
    population, topics, district, smtp_server, fast_sending
):
    campaign = CampaignFactory()
    campaign.topics.set([topics[0]])
    campaign = start(campaign)
    report = CampaignSender(campaign.pk).run()
    assert report.finished and report.sent == 4
    received = {m["To"]: m for m in smtp_server.messages}
    assert len(smtp_server.messages) == 4
    assert set(received) == {
        population[k].email
        for k in ("ko_city_district", "en_city_district", "ko_city_citizen", "ko_city_staff")
    }
    english = received["b@example.org"]
    korean = received["a@example.org"]
    assert english["Subject"] == "Sharing City news, December"
    assert korean["Subject"] == "공유도시 소식 12월"
    assert "Hello, this is the Sharing City news." in text_of(english) and "<p>Hello" in html_of(
        english
    )
    assert "안녕하세요" in text_of(korean) and "안녕하세요" in html_of(korean)
    for message in (english, korean):
        header = str(message["List-Unsubscribe"])
        assert header.startswith(("<https://", "<http://"))
        assert "mailto:" in header
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
        assert "<img" not in html_of(message)  # no tracking pixel
    # The visible link in the body and the header's URL are the same one-click address.
    url = link_in(english, "unsubscribe")
    assert f"<{url}>" in str(english["List-Unsubscribe"])
    assert "/en/newsletters/unsubscribe/" in url and "/ko/newsletters/unsubscribe/" in link_in(
        korean, "unsubscribe"
    )
    # The header's URL unsubscribes with one POST and no cookies.
    response = Client(enforce_csrf_checks=True).post(
        path_of(url), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Subscriber.objects.get(email="b@example.org").status == Subscriber.Status.UNSUBSCRIBED
    campaign.refresh_from_db()
    assert (
        campaign.status == Campaign.Status.SENT
        and campaign.sent_count == 4
        and campaign.failed_count == 0
    )
    # Running again sends nothing more.
    assert CampaignSender(campaign.pk).run().sent == 0
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENDING)
    assert CampaignSender(campaign.pk).run().sent == 0
    assert len(smtp_server.messages) == 4


def test_unconfirmed_get_nothing(population, smtp_server, fast_sending):
    campaign = start(CampaignFactory())
    CampaignSender(campaign.pk).run()
    recipients = {m["To"] for m in smtp_server.messages}
    assert not recipients & {"p@example.org", "u@example.org", "x@example.org"}


def test_unsubscribed_while_sending_is_skipped(topics, smtp_server, fast_sending):
    subscribers = [SubscriberFactory() for _ in range(5)]
    campaign = start(CampaignFactory())
    from sharehub.newsletters.sending import list_recipients

    list_recipients(campaign.pk)
    services.unsubscribe(subscriber=subscribers[2])
    report = CampaignSender(campaign.pk).run()
    assert report.sent == 4 and report.skipped == 1 and report.finished
    assert selectors.progress(campaign)["skipped"] == 1


def test_batches_resume_after_pause(topics, smtp_server, fast_sending, city_staff):
    for _ in range(7):
        SubscriberFactory()
    campaign = start(CampaignFactory())
    first = CampaignSender(campaign.pk, batch=3).run(max_batches=1)
    assert first.sent == 3 and not first.finished
    services.pause(actor=city_staff, campaign=campaign)
    assert CampaignSender(campaign.pk, batch=3).run().sent == 0
    assert selectors.progress(campaign) == {
        "sent": 3,
        "failed": 0,
        "skipped": 0,
        "remaining": 4,
        "total": 7,
        "percent": 43,
    }
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENDING)
    assert CampaignSender(campaign.pk, batch=3).run().sent == 4
    assert len({m["To"] for m in smtp_server.messages}) == len(smtp_server.messages) == 7


def test_refused_recipients_are_retried_with_backoff_then_failed(
    topics, smtp_server, fast_sending, settings
):
    settings.SHAREHUB_NEWSLETTER_MAX_ATTEMPTS = 2
    good = SubscriberFactory(email="good@example.org")
    flaky = SubscriberFactory(email="flaky@example.org")
    gone = SubscriberFactory(email="gone@example.org")

    async def handle_RCPT(server, session, envelope, address, rcpt_options):
        if address == "flaky@example.org":
            return "451 Try again later"
        if address == "gone@example.org":
            return "550 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_server.handle_RCPT = handle_RCPT
    campaign = start(CampaignFactory())
    report = CampaignSender(campaign.pk).run()
    assert report.sent == 1 and report.retried == 1 and report.failed == 1 and not report.finished
    flaky_row = Delivery.objects.get(subscriber=flaky)
    assert (
        flaky_row.status == Delivery.Status.QUEUED
        and flaky_row.attempts == 1
        and flaky_row.next_attempt_at > timezone.now()
    )
    # A 550 at RCPT is a hard bounce: the address gets nothing more.
    gone.refresh_from_db()
    assert gone.status == Subscriber.Status.BOUNCED
    assert gone.bounce_reason.startswith("550") and "No such user" in gone.bounce_reason
    assert Delivery.objects.get(subscriber=gone).status == Delivery.Status.FAILED
    # Not due yet: nothing happens.
    assert CampaignSender(campaign.pk).run().retried == 0
    Delivery.objects.filter(pk=flaky_row.pk).update(next_attempt_at=timezone.now())
    report = CampaignSender(campaign.pk).run()
    assert report.failed == 1 and report.finished  # the second failure is the last
    campaign.refresh_from_db()
    assert (campaign.status, campaign.sent_count, campaign.failed_count) == (
        Campaign.Status.SENT,
        1,
        2,
    )
    assert [m["To"] for m in smtp_server.messages] == [good.email]


def test_smtp_down_requeues_everything(topics, smtp_down, fast_sending):
    for _ in range(3):
        SubscriberFactory()
    campaign = start(CampaignFactory())
    report = CampaignSender(campaign.pk).run()
    assert report.sent == 0
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.QUEUED}
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.SENDING


def test_stale_claim_is_taken_back_but_a_live_one_is_not(topics, smtp_server, fast_sending):
    subscriber = SubscriberFactory()
    campaign = start(CampaignFactory())
    from sharehub.newsletters.sending import claim_batch, list_recipients

    list_recipients(campaign.pk)
    assert len(claim_batch(campaign.pk, worker="dead", size=10, lease=600)) == 1
    assert CampaignSender(campaign.pk, lease=600).run().sent == 0  # still leased to "dead"
    assert CampaignSender(campaign.pk, lease=0).run().sent == 1  # the lease ran out
    assert [m["To"] for m in smtp_server.messages] == [subscriber.email]


def test_bounce_command_and_webhook(topics, client, settings, tmp_path):
    a = SubscriberFactory(email="a@example.org")
    b = SubscriberFactory(email="b@example.org")
    c = SubscriberFactory(email="c@example.org")
    bounces = tmp_path / "bounces.csv"
    bounces.write_text("# address,kind\nA@example.org,hard\nb@example.org,soft\nnot an address\n")
    call_command("process_bounces", str(bounces))
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == Subscriber.Status.BOUNCED and b.status == Subscriber.Status.CONFIRMED
    assert a.bounce_reason == "bounce list"  # kept for staff (the admin shows it)

    url = "/api/v1/newsletters/bounces"
    settings.SHAREHUB_NEWSLETTER_BOUNCE_SECRET = "s3cret"
    assert (
        client.post(url, {"email": "c@example.org"}, content_type="application/json").status_code
        == 403
    )
    assert (
        client.post(
            url,
            {"email": "c@example.org"},
            content_type="application/json",
            headers={"X-Bounce-Secret": "nope"},
        ).status_code
        == 403
    )
    c.refresh_from_db()
    assert c.status == Subscriber.Status.CONFIRMED
    response = client.post(
        url,
        {"email": "c@example.org", "type": "hard"},
        content_type="application/json",
        headers={"X-Bounce-Secret": "s3cret"},
    )
    assert response.status_code == 200
    c.refresh_from_db()
    assert c.status == Subscriber.Status.BOUNCED and c.bounce_reason == "webhook"


def test_scheduled_campaign_starts_when_due(
    topics, city_staff, smtp_server, fast_sending, django_capture_on_commit_callbacks
):
    SubscriberFactory()
    campaign = CampaignFactory()
    services.start_sending(
        actor=city_staff, campaign=campaign, when=timezone.now() + timezone.timedelta(hours=1)
    )
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SCHEDULED
    from sharehub.newsletters.tasks import run_due_campaigns

    run_due_campaigns.call()
    assert smtp_server.messages == []
    Campaign.objects.filter(pk=campaign.pk).update(
        scheduled_at=timezone.now() - timezone.timedelta(minutes=1)
    )
    run_due_campaigns.call()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT and len(smtp_server.messages) == 1


def test_campaign_html_is_sanitized(city_staff, topics):
    campaign = services.create_campaign(
        actor=city_staff,
        subject_ko="제목",
        body_html_ko='<p onclick="x()">안녕</p><script>alert(1)</script>',
        body_text_ko="안녕",
    )
    assert "<script" not in campaign.body_html_ko and "onclick" not in campaign.body_html_ko


def test_only_staff_write_campaigns(user, topics):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.create_campaign(actor=user, subject_ko="x", body_html_ko="x", body_text_ko="x")
    campaign = CampaignFactory()
    for action in (services.start_sending, services.send_test, services.pause, services.cancel):
        with pytest.raises(PermissionDenied):
            action(actor=user, campaign=campaign)


def test_mailto_unsubscribe_from_a_mailbox(topics, tmp_path):
    import mailbox
    from email.message import EmailMessage

    from sharehub.newsletters import tokens

    a = SubscriberFactory(email="a@example.org")
    b = SubscriberFactory(email="b@example.org")
    box = mailbox.mbox(tmp_path / "unsubscribe.mbox")
    for subject in (
        f"unsubscribe {tokens.manage_token(a.pk, a.secret)}",
        f"unsubscribe {b.pk}:forged",
        "hello",
    ):
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = "someone@example.org"
        message.set_content("")
        box.add(message)
    box.flush()
    call_command("process_unsubscribe_mail", str(tmp_path / "unsubscribe.mbox"))
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == Subscriber.Status.UNSUBSCRIBED and b.status == Subscriber.Status.CONFIRMED


def test_a_test_mail_says_test_in_its_own_language(city_staff):
    """Each language's test mail is marked "test" in that language, whatever the page's."""
    from django.utils import translation

    from sharehub.notifications.models import OutboundEmail

    campaign = CampaignFactory()
    with translation.override("en"):
        services.send_test(actor=city_staff, campaign=campaign, languages=["ko", "en"])
    subjects = set(
        OutboundEmail.objects.filter(kind="newsletters.test").values_list("subject", flat=True)
    )
    assert subjects == {"[테스트] 공유도시 소식 12월", "[Test] Sharing City news, December"}
