from __future__ import annotations

from datetime import time

import factory

from sharehub.facilities.models import OpeningHours, RefundBand, Space
from sharehub.places.tests.factories import DistrictFactory


class SpaceFactory(factory.django.DjangoModelFactory):
    """A community-centre room open 09–22 every day, bookable 1 to 90 days ahead."""

    class Meta:
        model = Space
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"room-{n}")
    name_ko = factory.Sequence(lambda n: f"주민센터 다목적실 {n}")
    name_en = factory.Sequence(lambda n: f"Community room {n}")
    office_ko = "시험구청 자치행정과"
    office_en = "Test-gu Office, Autonomy Division"
    district = factory.SubFactory(DistrictFactory)
    road_address = "서울특별시 중구 세종대로 110"
    capacity = 20
    closed_on_holidays = False

    @factory.post_generation
    def open_hours(self, create, extracted, **kwargs):
        if not create:
            return
        opens, closes = extracted or (time(9), time(22))
        OpeningHours.objects.bulk_create(
            OpeningHours(space=self, weekday=day, opens=opens, closes=closes) for day in range(7)
        )


def seoul_refund_bands(space: Space) -> None:
    """7+ days before: full refund; 3–6: 90 %; 1–2: 70 %; the same day: none."""
    RefundBand.objects.bulk_create(
        RefundBand(space=space, days_before=days, percent=percent)
        for days, percent in ((7, 100), (3, 90), (1, 70))
    )
