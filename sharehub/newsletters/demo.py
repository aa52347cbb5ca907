"""Demo data for the newsletters app, loaded by `manage.py load_demo` (sharehub.core.demo):
the city's three topics, a few confirmed subscribers (with consent records), one newsletter
already sent (in the archive, with its delivery rows) and one draft. Idempotent."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sharehub.places.models import District

from .consent import CONSENT_VERSION, consent_text
from .models import Campaign, ConsentRecord, Delivery, Subscriber, Subscription, Topic

TOPICS = [
    (
        "sharing-city",
        "공유도시 소식",
        "Sharing City news",
        "서울 공유도시 정책과 소식",
        "Policies and news of the sharing city",
        1,
    ),
    (
        "district-events",
        "우리 동네 행사",
        "Events in my district",
        "가까운 곳의 공유 행사와 모임",
        "Sharing events and meet-ups near you",
        2,
    ),
    (
        "enterprises",
        "공유기업 지원",
        "For sharing enterprises",
        "지정, 지원사업, 공모 안내",
        "Designation, support programmes and calls",
        3,
    ),
]
SUBSCRIBERS = [
    ("citizen@sharehub.example", "ko", ["sharing-city", "district-events"]),
    ("member@sharehub.example", "ko", ["sharing-city", "enterprises"]),
    ("reader.one@example.org", "en", ["sharing-city"]),
    ("reader.two@example.org", "ko", ["district-events"]),
    ("reader.three@example.org", "en", ["sharing-city", "district-events", "enterprises"]),
]
SENT = {
    "subject_ko": "공유허브 11월 소식: 공유기업 신규 지정",
    "subject_en": "ShareHub in November: new sharing enterprises designated",
    "body_html_ko": "<h2>새로 지정된 공유기업</h2><p>이번 달 서울시는 공유기업 여섯 곳을 새로 지정했습니다. 공유허브 목록에서 만나 보세요.</p>"
    "<h2>우리 동네 행사</h2><p>각 자치구의 공구 도서관과 공유 부엌에서 연말 행사가 열립니다.</p>",
    "body_html_en": "<h2>Newly designated sharing enterprises</h2><p>This month the city designated six new sharing enterprises. Meet them in the ShareHub directory.</p>"
    "<h2>Events in your district</h2><p>Tool libraries and shared kitchens across the districts hold year-end events.</p>",
    "body_text_ko": "새로 지정된 공유기업\n\n이번 달 서울시는 공유기업 여섯 곳을 새로 지정했습니다.\n\n우리 동네 행사\n\n각 자치구의 공구 도서관과 공유 부엌에서 연말 행사가 열립니다.",
    "body_text_en": "Newly designated sharing enterprises\n\nThis month the city designated six new sharing enterprises.\n\nEvents in your district\n\nTool libraries and shared kitchens across the districts hold year-end events.",
}
DRAFT = {
    "subject_ko": "공유기업 지원사업 공모 안내",
    "subject_en": "Call for applications: support for sharing enterprises",
    "body_html_ko": "<p>2027년 공유기업 지원사업 공모가 시작됩니다. 신청 방법을 확인하세요.</p>",
    "body_html_en": "<p>The 2027 support programme for sharing enterprises opens soon. See how to apply.</p>",
    "body_text_ko": "2027년 공유기업 지원사업 공모가 시작됩니다. 신청 방법을 확인하세요.",
    "body_text_en": "The 2027 support programme for sharing enterprises opens soon. See how to apply.",
}


@transaction.atomic
def load_demo(*, accounts: dict) -> int:
    """Create the demo objects once (safe to run twice); returns how many were created."""
    created = 0
    topics = {}
    for slug, name_ko, name_en, description_ko, description_en, order in TOPICS:
        topic, made = Topic.objects.get_or_create(
            slug=slug,
            defaults={
                "name_ko": name_ko,
                "name_en": name_en,
                "description_ko": description_ko,
                "description_en": description_en,
                "order": order,
            },
        )
        topics[slug] = topic
        created += made
    districts = list(District.objects.order_by("pk").values_list("pk", flat=True)[:3])
    now = timezone.now()
    subscribers = []
    for index, (email, language, slugs) in enumerate(SUBSCRIBERS):
        subscriber, made = Subscriber.objects.get_or_create(
            email=email,
            defaults={
                "language": language,
                "status": Subscriber.Status.CONFIRMED,
                "confirmed_at": now,
                "user": accounts.get(email),
                "district_id": districts[index % len(districts)] if districts else None,
            },
        )
        subscribers.append(subscriber)
        if made:
            created += 1
            for slug in slugs:
                Subscription.objects.create(subscriber=subscriber, topic=topics[slug])
            for action in (ConsentRecord.Action.SUBSCRIBE, ConsentRecord.Action.CONFIRM):
                ConsentRecord.objects.create(
                    subscriber=subscriber,
                    action=action,
                    text_version=CONSENT_VERSION,
                    text=consent_text(language),
                )
    staff = accounts.get("staff@sharehub.example")
    if not Campaign.objects.filter(subject_ko=SENT["subject_ko"]).exists():
        campaign = Campaign.objects.create(
            **SENT,
            status=Campaign.Status.SENT,
            created_by=staff,
            started_at=now,
            finished_at=now,
            recipients_ready=True,
            total_count=len(subscribers),
            sent_count=len(subscribers),
        )
        Delivery.objects.bulk_create(
            [
                Delivery(campaign=campaign, subscriber=s, status=Delivery.Status.SENT, sent_at=now)
                for s in subscribers
            ]
        )
        created += 1
    if not Campaign.objects.filter(subject_ko=DRAFT["subject_ko"]).exists():
        draft = Campaign.objects.create(**DRAFT, created_by=staff)
        draft.topics.set([topics["enterprises"]])
        created += 1
    return created
