from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from sharehub.events.models import Event, EventKind, EventStatus


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title_ko = factory.Sequence(lambda n: f"공유 모임 {n}")
    title_en = factory.Sequence(lambda n: f"Sharing meetup {n}")
    summary_ko = "함께 나누는 이야기"
    summary_en = "Talking about sharing"
    kind = EventKind.MEETING
    status = EventStatus.PUBLISHED
    venue_ko = "서울시청 시민청"
    address = "서울 중구 세종대로 110"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    capacity = 10
