"""Campaign bodies written with the editor, the confirmation before sending (recipients per
language, missing versions, the real mail template) and the deliveries on the campaign page."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sharehub.core.tests.test_editor import ACTIVE_CONTENT, HUB_IMAGE
from sharehub.newsletters.models import Campaign, Delivery

from .factories import CampaignFactory, SubscriberFactory
from .test_pages_and_api import CAMPAIGN_FORM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _korean():
    with translation.override("ko"):
        yield


@pytest.mark.parametrize("field", ["body_html_ko", "body_html_en"])
@pytest.mark.parametrize("dirty,forbidden", ACTIVE_CONTENT)
def test_campaign_bodies_are_cleaned_on_save(client, city_staff, field, dirty, forbidden):
    client.force_login(city_staff)
    response = client.post(
        reverse("newsletters:campaign_create"), {**CAMPAIGN_FORM, field: "<p>ok</p>" + dirty}
    )
    assert response.status_code == 302
    assert forbidden not in getattr(Campaign.objects.get(), field)


@pytest.mark.parametrize("field", ["body_html_ko", "body_html_en"])
def test_campaign_image_without_alt_is_a_field_error(client, city_staff, field):
    client.force_login(city_staff)
    response = client.post(
        reverse("newsletters:campaign_create"),
        {**CAMPAIGN_FORM, field: f'<p><img src="{HUB_IMAGE}"></p>'},
    )
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Campaign.objects.exists()


def test_mail_carries_editor_images_at_the_site_address(client, city_staff, settings):
    settings.SHAREHUB_SITE_URL = "https://hub.example"
    campaign = CampaignFactory(body_html_en=f'<p><img src="{HUB_IMAGE}" alt="A photo"></p>')
    client.force_login(city_staff)
    mail = client.get(reverse("newsletters:campaign_mail", args=[campaign.pk, "en"]))
    assert (
        f'<img src="https://hub.example{HUB_IMAGE}" alt="A photo" style="max-width:100%;height:auto">'
        in mail.content.decode()
    )


def _subscribers(topics, *, ko: int, en: int) -> None:
    for n in range(ko):
        SubscriberFactory(email=f"ko{n}@example.org", language="ko", topics=[topics[0]])
    for n in range(en):
        SubscriberFactory(email=f"en{n}@example.org", language="en", topics=[topics[0]])
    # Outside the segment (another topic): counted nowhere.
    SubscriberFactory(email="other@example.org", language="en", topics=[topics[1]])


def _counts(html: str) -> dict[str, int]:
    return {
        code: int(count)
        for code, count in re.findall(
            r'<tr data-language="(\w+)">.*?class="recipient-language-count">(\d+)<', html, re.S
        )
    }


def test_confirmation_counts_are_the_deliveries_sending_creates(
    client, city_staff, topics, smtp_server, fast_sending, django_capture_on_commit_callbacks
):
    _subscribers(topics, ko=3, en=2)
    campaign = CampaignFactory(subject_en="", body_html_en="", body_text_en="")
    campaign.topics.set([topics[0]])
    client.force_login(city_staff)
    page = client.get(reverse("newsletters:campaign_confirm", args=[campaign.pk]))
    html = page.content.decode()
    counts = _counts(html)
    assert counts == {"ko": 3, "en": 2}
    assert 'class="recipient-total">5<' in html
    # The English version is missing: named, with what its readers get.
    [warning] = re.findall(
        r'<div class="message warning missing-version"[^>]*>(.*?)</div>', html, re.S
    )
    assert "영어판" in warning and "한국어판" in warning and "2명" in warning
    assert re.findall(r'missing-version" data-language="(\w+)"', html) == ["en"]
    # One preview per language, each with the real mail template and labelled with its language.
    for code in ("ko", "en"):
        assert reverse("newsletters:campaign_mail", args=[campaign.pk, code]) in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("newsletters:campaign_action", args=[campaign.pk, "send"]), {"from": "confirm"}
        )
    assert response["Location"] == reverse("newsletters:campaign", args=[campaign.pk])
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    delivered = Counter(
        Delivery.objects.filter(campaign=campaign).values_list("subscriber__language", flat=True)
    )
    assert dict(delivered) == counts
    # Over the real SMTP server: English readers got the Korean version it fell back to.
    subjects = {str(message["To"]): str(message["Subject"]) for message in smtp_server.messages}
    assert len(subjects) == 5 and subjects["en0@example.org"] == campaign.subject_ko


def test_confirmation_with_both_versions_warns_of_nothing(client, city_staff, topics):
    _subscribers(topics, ko=1, en=1)
    campaign = CampaignFactory()
    client.force_login(city_staff)
    html = client.get(reverse("newsletters:campaign_confirm", args=[campaign.pk])).content.decode()
    assert "missing-version" not in html
    assert _counts(html) == {"ko": 1, "en": 2}


def test_missing_version_without_readers_warns_of_nothing(client, city_staff, topics):
    """No English reader in the segment: nobody gets the Korean text instead, so neither the
    "partly the Korean version" tag nor the warning shows, and their row names no version."""
    _subscribers(topics, ko=2, en=0)
    campaign = CampaignFactory(subject_en="", body_html_en="", body_text_en="")
    campaign.topics.set([topics[0]])
    client.force_login(city_staff)
    html = client.get(reverse("newsletters:campaign_confirm", args=[campaign.pk])).content.decode()
    assert _counts(html) == {"ko": 2, "en": 0}
    assert "missing-version" not in html and "일부는" not in html
    [english_row] = re.findall(r'<tr data-language="en">(.*?)</tr>', html, re.S)
    assert english_row.rstrip().endswith("<td>—</td>")


def test_partly_missing_version_names_the_parts(client, city_staff, topics):
    _subscribers(topics, ko=0, en=1)
    campaign = CampaignFactory(body_text_en="")
    client.force_login(city_staff)
    with translation.override("en"):
        html = client.get(
            reverse("newsletters:campaign_confirm", args=[campaign.pk])
        ).content.decode()
    assert "The English version has no plain text body." in html
    assert "would get the Korean version of it instead" in html


def test_campaign_page_goes_to_the_confirmation_to_send(client, city_staff):
    campaign = CampaignFactory()
    client.force_login(city_staff)
    html = client.get(reverse("newsletters:campaign", args=[campaign.pk])).content.decode()
    assert reverse("newsletters:campaign_confirm", args=[campaign.pk]) in html
    assert reverse("newsletters:campaign_action", args=[campaign.pk, "send"]) not in html


def test_no_confirmation_once_sent(client, city_staff):
    campaign = CampaignFactory(status=Campaign.Status.SENT)
    client.force_login(city_staff)
    response = client.get(reverse("newsletters:campaign_confirm", args=[campaign.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletters:campaign", args=[campaign.pk])


def test_refused_schedule_goes_back_to_the_confirmation(client, city_staff):
    campaign = CampaignFactory()
    client.force_login(city_staff)
    response = client.post(
        reverse("newsletters:campaign_action", args=[campaign.pk, "schedule"]),
        {"scheduled_at": "2000-01-01T10:00", "from": "confirm"},
    )
    assert response["Location"] == reverse("newsletters:campaign_confirm", args=[campaign.pk])


@pytest.mark.parametrize("name", ["campaign_confirm", "campaign_mail", "campaign"])
def test_staff_only(client, user, moderator, city_staff, name):
    campaign = CampaignFactory()
    args = [campaign.pk, "ko"] if name == "campaign_mail" else [campaign.pk]
    url = reverse(f"newsletters:{name}", args=args)
    assert client.get(url).status_code == 302  # to the login page
    for person in (user, moderator):
        client.force_login(person)
        assert client.get(url).status_code == 404
    client.force_login(city_staff)
    assert client.get(url).status_code in (200, 302)


def test_mail_preview_is_framed_by_the_hub_only_and_runs_nothing(client, city_staff):
    campaign = CampaignFactory(body_html_ko="<p>본문</p><script>alert(1)</script>")
    client.force_login(city_staff)
    response = client.get(reverse("newsletters:campaign_mail", args=[campaign.pk, "ko"]))
    html = response.content.decode()
    assert "<p>본문</p>" in html and "<script" not in html and "구독 해지" in html
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'self'" in policy
    assert "script-src" not in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert (
        client.get(reverse("newsletters:campaign_mail", args=[campaign.pk, "xx"])).status_code
        == 404
    )


def _deliveries(campaign, count: int, *, start: int = 0, **fields) -> None:
    subscribers = [
        SubscriberFactory(email=f"d{campaign.pk}-{n}@example.org")
        for n in range(start, start + count)
    ]
    Delivery.objects.bulk_create(
        [Delivery(campaign=campaign, subscriber=subscriber, **fields) for subscriber in subscribers]
    )


def test_deliveries_are_listed_by_page_with_a_bounded_number_of_queries(
    client, city_staff, django_assert_max_num_queries
):
    client.force_login(city_staff)
    small, large = (
        CampaignFactory(status=Campaign.Status.SENT),
        CampaignFactory(status=Campaign.Status.SENT),
    )
    _deliveries(small, 3, status=Delivery.Status.SENT)
    _deliveries(large, 120, status=Delivery.Status.SENT)
    _deliveries(large, 2, start=120, status=Delivery.Status.FAILED, last_error="550 no such user")
    Client().get("/")  # warm whatever the first request loads
    queries = {}
    for campaign in (small, large):
        url = reverse("newsletters:campaign", args=[campaign.pk])
        with django_assert_max_num_queries(30) as captured:
            response = client.get(url)
        queries[campaign.pk] = len(captured.captured_queries)
        assert response.status_code == 200
    assert queries[small.pk] == queries[large.pk]
    html = client.get(reverse("newsletters:campaign", args=[large.pk])).content.decode()
    assert len(re.findall(r"<td>d\d+-\d+@example\.org</td>", html)) == 50 and "page=2" in html
    failed = client.get(reverse("newsletters:campaign", args=[large.pk]), {"status": "failed"})
    text = failed.content.decode()
    assert text.count("550 no such user") == 2 and "page=2" not in text


def test_deliveries_show_no_body(client, city_staff):
    campaign = CampaignFactory(status=Campaign.Status.SENT, body_html_ko="<p>비밀 본문</p>")
    _deliveries(campaign, 1, status=Delivery.Status.SENT)
    client.force_login(city_staff)
    html = client.get(reverse("newsletters:campaign", args=[campaign.pk])).content.decode()
    assert "비밀 본문" not in html and f"d{campaign.pk}-0@example.org" in html


def test_campaign_pages_write_korean_counts_and_dates(client, city_staff, topics):
    """ "1명의" with no space before the counter, and table dates zero-padded."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    campaign = CampaignFactory()
    campaign.topics.set([topics[0]])
    SubscriberFactory(topics=[topics[0]])
    Campaign.objects.filter(pk=campaign.pk).update(
        created_at=datetime(2026, 3, 4, 5, 6, tzinfo=ZoneInfo("Asia/Seoul"))
    )
    client.force_login(city_staff)
    page = client.get(reverse("newsletters:campaign", args=[campaign.pk])).content.decode()
    assert "<strong>1</strong>명의 확인된 구독자" in page
    listed = client.get(reverse("newsletters:manage")).content.decode()
    assert "<td>2026-03-04 05:06</td>" in listed
