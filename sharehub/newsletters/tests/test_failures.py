"""A campaign that cannot be sent stops in 'failed' with its reason and staff can retry it;
a subject is one line (it goes into a mail header), refused as a field error everywhere."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sharehub.accounts.services import create_api_token
from sharehub.core.models import AuditEntry
from sharehub.newsletters import render, services, upkeep
from sharehub.newsletters.models import Campaign, Delivery
from sharehub.newsletters.sending import CampaignSender
from sharehub.newsletters.tasks import run_due_campaigns

from .factories import CampaignFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

INJECTED = "News\r\nBcc: everyone@example.org"


def bearer(user) -> dict:
    _token, secret = create_api_token(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def sending(campaign: Campaign) -> Campaign:
    Campaign.objects.filter(pk=campaign.pk).update(
        status=Campaign.Status.SENDING, started_at=timezone.now()
    )
    campaign.refresh_from_db()
    return campaign


def broken_subject(campaign: Campaign) -> Campaign:
    """A line break saved before subjects were checked (or by a raw update): the case to survive."""
    Campaign.objects.filter(pk=campaign.pk).update(subject_ko=INJECTED)
    campaign.refresh_from_db()
    return campaign


def test_a_campaign_that_cannot_be_built_stops_failed_with_its_reason(
    topics, smtp_server, fast_sending
):
    SubscriberFactory.create_batch(3, topics=[topics[0]])
    campaign = sending(broken_subject(CampaignFactory()))
    report = CampaignSender(campaign.pk).run()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FAILED
    assert "subject_ko" in campaign.failure_reason and report.failure == campaign.failure_reason
    assert smtp_server.messages == []
    # No recipient is left claimed, and the periodic job does not take the campaign up again.
    assert not Delivery.objects.filter(campaign=campaign, status=Delivery.Status.SENDING).exists()
    assert campaign.pk not in run_due_campaigns.call()


def test_an_unexpected_error_in_the_worker_also_fails_the_campaign(
    topics, monkeypatch, fast_sending
):
    SubscriberFactory(topics=[topics[0]])
    campaign = sending(CampaignFactory())

    def down(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("sharehub.newsletters.sending.claim_batch", down)
    CampaignSender(campaign.pk).run()
    campaign.refresh_from_db()
    assert (
        campaign.status == Campaign.Status.FAILED
        and campaign.failure_reason == "RuntimeError: database went away"
    )


def test_staff_see_the_failure_correct_it_and_retry(
    topics, city_staff, smtp_server, fast_sending, django_capture_on_commit_callbacks
):
    SubscriberFactory.create_batch(2, topics=[topics[0]])
    campaign = sending(broken_subject(CampaignFactory()))
    CampaignSender(campaign.pk).run()
    client = Client()
    client.force_login(city_staff)
    page = client.get(reverse("newsletters:campaign", kwargs={"pk": campaign.pk})).content.decode()
    assert "campaign-failure" in page and "subject_ko" in page and "/retry/" in page
    retry_url = reverse(
        "newsletters:campaign_action", kwargs={"pk": campaign.pk, "action": "retry"}
    )
    # Still broken: the retry is refused with the field's error, and it stays failed.
    response = client.post(retry_url, follow=True)
    assert "subject" in response.content.decode().lower()
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.FAILED
    # A failed campaign can be corrected, then retried: every recipient gets it once.
    Campaign.objects.filter(pk=campaign.pk).update(subject_ko="공유도시 소식")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(retry_url).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT and campaign.failure_reason == ""
    assert len(smtp_server.messages) == 2
    assert AuditEntry.objects.filter(action="newsletters.campaign.retry", actor=city_staff).exists()


def test_retry_keeps_what_was_sent(
    topics, city_staff, smtp_server, fast_sending, django_capture_on_commit_callbacks
):
    first, second = SubscriberFactory.create_batch(2, topics=[topics[0]])
    campaign = sending(CampaignFactory())
    CampaignSender(campaign.pk).run(max_batches=0)  # lists the recipients
    Delivery.objects.filter(campaign=campaign, subscriber=first).update(status=Delivery.Status.SENT)
    upkeep.fail_campaign(campaign.pk, reason="RuntimeError: x")
    with django_capture_on_commit_callbacks(execute=True):
        services.retry(actor=city_staff, campaign=campaign)
    assert [m["To"] for m in smtp_server.messages] == [second.email]
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.SENT


def test_only_staff_retry_and_only_failed_campaigns(user, city_staff, topics):
    campaign = CampaignFactory()
    with pytest.raises(services.ValidationError):
        services.retry(actor=city_staff, campaign=campaign)  # a draft
    upkeep.fail_campaign(sending(campaign).pk, reason="x")
    with pytest.raises(services.PermissionDenied):
        services.retry(actor=user, campaign=campaign)
    with pytest.raises(services.PermissionDenied):
        services.retry(actor=None, campaign=campaign)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.FAILED
    client = Client(**bearer(user))
    assert client.post(f"/api/v1/newsletters/campaigns/{campaign.pk}/retry").status_code == 404
    assert Client().post(f"/api/v1/newsletters/campaigns/{campaign.pk}/retry").status_code == 401


def test_api_shows_the_failure_and_retries(city_staff, topics, django_capture_on_commit_callbacks):
    campaign = sending(CampaignFactory())
    upkeep.fail_campaign(campaign.pk, reason="RuntimeError: x")
    client = Client(**bearer(city_staff))
    body = client.get(f"/api/v1/newsletters/campaigns/{campaign.pk}").json()
    assert body["status"] == "failed" and body["failure_reason"] == "RuntimeError: x"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/newsletters/campaigns/{campaign.pk}/retry")
    assert response.status_code == 200, response.content
    assert (
        response.json()["status"] in ("sending", "sent") and response.json()["failure_reason"] == ""
    )


# --- one-line subjects ----------------------------------------------------------------------


@pytest.mark.parametrize("subject", ["a\r\nBcc: x@example.org", "a\nb", "a\rb"])
def test_line_breaks_in_a_subject_are_field_errors_in_the_form_and_the_api(
    city_staff, topics, subject
):
    client = Client()
    client.force_login(city_staff)
    form = {"subject_ko": subject, "body_html_ko": "<p>x</p>", "body_text_ko": "x"}
    response = client.post(reverse("newsletters:campaign_create"), form)
    assert response.status_code == 200 and "subject_ko" in response.context["form"].errors
    api = Client(**bearer(city_staff))
    for field in ("subject_ko", "subject_en"):
        body = {
            "subject_ko": "제목",
            "body_html_ko": "<p>x</p>",
            "body_text_ko": "x",
            field: subject,
        }
        response = api.post(
            "/api/v1/newsletters/campaigns", json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 422 and field in response.json()["errors"], response.content
    assert not Campaign.objects.exists()


def test_a_broken_subject_is_a_field_error_on_test_preview_and_send(city_staff, topics):
    campaign = broken_subject(CampaignFactory())
    client = Client(raise_request_exception=False)
    client.force_login(city_staff)
    for action in ("test", "send"):
        response = client.post(
            reverse("newsletters:campaign_action", kwargs={"pk": campaign.pk, "action": action}),
            follow=True,
        )
        assert response.status_code == 200
        assert any("Subject" in str(m) or "제목" in str(m) for m in response.context["messages"])
    response = client.get(
        reverse("newsletters:campaign_preview", kwargs={"pk": campaign.pk, "language": "ko"}),
        follow=True,
    )
    assert response.status_code == 200 and response.redirect_chain
    api = Client(raise_request_exception=False, **bearer(city_staff))
    for action in ("test", "send"):
        response = api.post(
            f"/api/v1/newsletters/campaigns/{campaign.pk}/{action}",
            "{}",
            content_type="application/json",
        )
        assert response.status_code == 422 and "subject_ko" in response.json()["errors"], (
            response.content
        )
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DRAFT


def test_list_unsubscribe_is_https_outside_loopback(settings):
    settings.SHAREHUB_SITE_URL = "http://hub.example.org"
    assert render.list_unsubscribe_header("http://hub.example.org/ko/u/t/", "t").startswith(
        "<https://hub.example.org/ko/u/t/>"
    )
    for local in ("http://127.0.0.1:8000/u/", "http://localhost:8000/u/", "http://[::1]:8000/u/"):
        assert render.list_unsubscribe_header(local, "t").startswith(f"<{local}>")
    assert render.one_click_url("https://hub.example.org/u/") == "https://hub.example.org/u/"
