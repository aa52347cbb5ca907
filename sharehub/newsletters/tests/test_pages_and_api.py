"""Staff pages, the archive, the API, the permission matrix and the demo data."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from sharehub.newsletters import tokens
from sharehub.newsletters.models import Campaign, Subscriber

from .factories import CampaignFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

CAMPAIGN_FORM = {
    "subject_ko": "새 소식",
    "subject_en": "News",
    "body_html_ko": "<p>본문</p>",
    "body_html_en": "<p>Body</p>",
    "body_text_ko": "본문",
    "body_text_en": "Body",
}


@pytest.fixture
def actors(user, moderator, city_staff):
    return {"anonymous": None, "citizen": user, "moderator": moderator, "city_staff": city_staff}


@pytest.mark.parametrize("role", ["anonymous", "citizen", "moderator", "city_staff"])
@pytest.mark.parametrize(
    "name,method,with_campaign,data,staff_status",
    [
        ("newsletters:manage", "get", False, None, 200),
        ("newsletters:campaign_create", "get", False, None, 200),
        ("newsletters:campaign_create", "post", False, CAMPAIGN_FORM, 302),
        ("newsletters:campaign", "get", True, None, 200),
        ("newsletters:campaign_edit", "post", True, CAMPAIGN_FORM, 302),
        ("newsletters:campaign_progress", "get", True, None, 200),
        ("newsletters:campaign_preview", "get", "ko", None, 200),
        ("newsletters:campaign_action", "post", "send", {}, 302),
        ("newsletters:campaign_action", "post", "test", {}, 302),
        ("newsletters:campaign_action", "post", "cancel", {}, 302),
    ],
)
def test_permission_matrix(
    client, actors, topics, role, name, method, with_campaign, data, staff_status
):
    campaign = CampaignFactory()
    args = (
        []
        if not with_campaign
        else [campaign.pk]
        if with_campaign is True
        else [campaign.pk, with_campaign]
    )
    actor = actors[role]
    if actor:
        client.force_login(actor)
    response = getattr(client, method)(reverse(name, args=args), data or {})
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role == "city_staff":
        assert response.status_code == staff_status
    else:
        assert response.status_code in (403, 404)
    campaign.refresh_from_db()
    if role != "city_staff":
        assert campaign.status == Campaign.Status.DRAFT and Campaign.objects.count() == 1


def test_compose_count_preview_test_and_send(
    client, city_staff, topics, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.SHAREHUB_NEWSLETTER_RATE = 0
    SubscriberFactory(topics=[topics[0]], language="en")
    SubscriberFactory(topics=[topics[1]])
    client.force_login(city_staff)
    response = client.post(
        reverse("newsletters:campaign_create"),
        {**CAMPAIGN_FORM, "topics": [topics[0].pk], "languages": ["en"]},
    )
    campaign = Campaign.objects.get()
    assert response["Location"] == reverse("newsletters:campaign", args=[campaign.pk])
    assert campaign.languages == ["en"] and list(campaign.topics.all()) == [topics[0]]
    page = client.get(reverse("newsletters:campaign", args=[campaign.pk]))
    assert page.context["recipient_count"] == 1
    preview = client.get(
        reverse("newsletters:campaign_preview", args=[campaign.pk, "en"])
    ).content.decode()
    assert (
        "News" in preview
        and reverse("newsletters:campaign_mail", args=[campaign.pk, "en"]) in preview
    )
    mail = client.get(reverse("newsletters:campaign_mail", args=[campaign.pk, "en"]))
    assert "<p>Body</p>" in mail.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("newsletters:campaign_action", args=[campaign.pk, "test"]))
    assert sorted(str(m["To"]) for m in smtp_server.messages) == [city_staff.email] * 2
    assert all(
        m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in smtp_server.messages
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("newsletters:campaign_action", args=[campaign.pk, "send"]))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT and campaign.sent_count == 1
    progress = client.get(reverse("newsletters:campaign_progress", args=[campaign.pk]))
    assert (
        progress.context["progress"]["sent"] == 1 and progress.context["progress"]["remaining"] == 0
    )
    # Once sent it can no longer be edited, and it is in the public archive.
    client.post(reverse("newsletters:campaign_edit", args=[campaign.pk]), CAMPAIGN_FORM)
    assert client.get(reverse("newsletters:archive")).status_code == 200
    client.logout()
    archive = client.get(reverse("newsletters:archive_detail", args=[campaign.pk]))
    assert archive.status_code == 200 and "본문" in archive.content.decode()


def test_progress_polls_while_sending(client, city_staff, topics):
    campaign = CampaignFactory(status=Campaign.Status.SENDING)
    client.force_login(city_staff)
    html = client.get(reverse("newsletters:campaign", args=[campaign.pk])).content.decode()
    assert 'data-hx-trigger="every 2s"' in html


def test_schedule_form_rejects_the_past(client, city_staff, topics):
    campaign = CampaignFactory()
    client.force_login(city_staff)
    client.post(
        reverse("newsletters:campaign_action", args=[campaign.pk, "schedule"]),
        {"scheduled_at": "2000-01-01T10:00"},
    )
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    client.post(
        reverse("newsletters:campaign_action", args=[campaign.pk, "schedule"]),
        {"scheduled_at": "2099-01-01T10:00"},
    )
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SCHEDULED and campaign.scheduled_at.year == 2099


def test_draft_is_not_in_the_archive(client, topics):
    draft = CampaignFactory()
    assert client.get(reverse("newsletters:archive_detail", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("size", [1, 15])
def test_archive_and_staff_list_queries_are_bounded(
    client, city_staff, topics, django_assert_max_num_queries, size
):
    for _ in range(size):
        CampaignFactory(status=Campaign.Status.SENT, finished_at=timezone.now())
    with django_assert_max_num_queries(8):
        assert client.get(reverse("newsletters:archive")).status_code == 200
    client.force_login(city_staff)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("newsletters:manage")).status_code == 200


def test_subscribe_page_in_both_languages(client, topics):
    for language in ("ko", "en"):
        response = client.get(f"/{language}/newsletters/")
        assert response.status_code == 200
        assert (
            topics[0].name_ko if language == "ko" else topics[0].name_en
        ) in response.content.decode()


def test_subscribe_form_starts_at_the_signed_in_persons_district(client, topics, user, district):
    assert client.get(reverse("newsletters:list")).context["form"]["district"].initial is None
    client.force_login(user)  # no home district: the whole city, as for a visitor
    assert client.get(reverse("newsletters:list")).context["form"]["district"].initial is None
    user.home_district = district
    user.save(update_fields=["home_district"])
    response = client.get(reverse("newsletters:list"))
    assert response.context["form"]["district"].initial == district.pk
    assert f'<option value="{district.pk}" selected>' in response.content.decode()


# --- API ----------------------------------------------------------------------------------


def test_api_subscribe_confirm_unsubscribe(
    client, topics, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/newsletters/subscribe",
            {"email": "api@example.org", "topics": [topics[0].pk], "language": "en"},
            content_type="application/json",
        )
    assert response.status_code == 202
    subscriber = Subscriber.objects.get()
    assert len(smtp_server.messages) == 1
    token = tokens.confirm_token(subscriber)
    response = client.post(
        "/api/v1/newsletters/confirm", {"token": token}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    manage = tokens.manage_token(subscriber.pk, subscriber.secret)
    for _ in range(2):  # idempotent
        response = client.post(
            "/api/v1/newsletters/unsubscribe", {"token": manage}, content_type="application/json"
        )
        assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"email": "nope", "topics": [1]}, "email"),
        ({"email": "a@example.org", "topics": []}, "topics"),
        ({"email": "a@example.org", "topics": ["x"]}, "topics.0"),
        ({"topics": [1]}, "email"),
    ],
)
def test_api_bad_input_is_422(client, topics, payload, field):
    response = client.post(
        "/api/v1/newsletters/subscribe",
        payload,
        content_type="application/json",
        headers={"Accept-Language": "ko"},
    )
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert Subscriber.objects.count() == 0


def test_api_bad_tokens(client, topics):
    response = client.post(
        "/api/v1/newsletters/confirm", {"token": "1:abc:def"}, content_type="application/json"
    )
    assert response.status_code == 422 and "token" in response.json()["errors"]
    response = client.post(
        "/api/v1/newsletters/unsubscribe", {"token": "garbage"}, content_type="application/json"
    )
    assert response.status_code == 422


def test_api_campaigns_staff_only(client, user, city_staff, topics):
    body = {
        "subject_ko": "제목",
        "body_html_ko": "<p>x</p>",
        "body_text_ko": "x",
        "topics": [topics[0].pk],
        "roles": ["none"],
    }
    assert client.get("/api/v1/newsletters/campaigns").status_code == 401
    client.force_login(user)
    assert client.get("/api/v1/newsletters/campaigns").status_code == 403
    assert (
        client.post(
            "/api/v1/newsletters/campaigns", body, content_type="application/json"
        ).status_code
        == 403
    )
    assert Campaign.objects.count() == 0
    campaign = CampaignFactory()
    assert client.get(f"/api/v1/newsletters/campaigns/{campaign.pk}").status_code == 404
    assert (
        client.post(
            f"/api/v1/newsletters/campaigns/{campaign.pk}/send", {}, content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(city_staff)
    response = client.post("/api/v1/newsletters/campaigns", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["roles"] == ["none"] and response.json()["status"] == "draft"
    bad = client.post(
        "/api/v1/newsletters/campaigns",
        {**body, "roles": ["king"]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    listing = client.get("/api/v1/newsletters/campaigns").json()
    assert listing["count"] == 2
    when = (timezone.now() + timezone.timedelta(days=1)).isoformat()
    response = client.post(
        f"/api/v1/newsletters/campaigns/{campaign.pk}/send",
        {"scheduled_at": when},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "scheduled"


def test_api_topics(client, topics):
    response = client.get("/api/v1/newsletters/topics")
    assert [t["slug"] for t in response.json()] == [
        "sharing-city",
        "district-events",
        "enterprises",
    ]


def test_demo_is_idempotent(db):
    from sharehub.accounts.tests.factories import UserFactory
    from sharehub.newsletters.demo import load_demo

    accounts = {
        e: UserFactory(email=e)
        for e in ("staff@sharehub.example", "citizen@sharehub.example", "member@sharehub.example")
    }
    assert load_demo(accounts=accounts) > 0
    assert load_demo(accounts=accounts) == 0
    assert Campaign.objects.filter(status=Campaign.Status.SENT).count() == 1
    assert Campaign.objects.filter(status=Campaign.Status.DRAFT).count() == 1
    assert Subscriber.objects.filter(status="confirmed").count() == 5


def test_privacy_export_and_erase(user, topics):
    from sharehub.newsletters.privacy_data import erase_subscriptions, export_subscriptions

    SubscriberFactory(email=user.email.upper(), topics=[topics[0]])
    [entry] = export_subscriptions(user)
    assert entry["topics"] == ["sharing-city"]
    erase_subscriptions(user)
    assert Subscriber.objects.count() == 0


def test_staff_define_topics(client, city_staff, user, topics):
    url = reverse("newsletters:topics")
    data = {
        "slug": "green",
        "name_ko": "녹색 공유",
        "name_en": "Green sharing",
        "order": 4,
        "active": "on",
    }
    client.force_login(user)
    assert client.post(url, data).status_code == 403
    client.force_login(city_staff)
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "name_ko": ""})
    assert response.status_code == 200 and "name_ko" in response.context["form"].errors
    from sharehub.newsletters.models import Topic

    topic = Topic.objects.get(slug="green")
    edit = reverse("newsletters:topic_edit", args=[topic.pk])
    assert client.post(edit, {**data, "active": ""}).status_code == 302
    topic.refresh_from_db()
    assert not topic.active
    assert "green" not in [t["slug"] for t in client.get("/api/v1/newsletters/topics").json()]


def test_archive_sanitizes_html_written_outside_the_service(client, topics):
    campaign = CampaignFactory(
        status=Campaign.Status.SENT,
        finished_at=timezone.now(),
        body_html_ko="<p>안녕</p><script>alert(1)</script>",
    )
    html = client.get(reverse("newsletters:archive_detail", args=[campaign.pk])).content.decode()
    assert "안녕" in html and "alert(1)" not in html
