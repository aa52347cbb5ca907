"""The demo's committee meetings (the events app's demo, loaded after participation's by the demo
orders): each demo committee's page shows a coming meeting and the minutes of a past one, whose
file downloads; loading twice changes nothing."""

from __future__ import annotations

import pytest

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core import demo as core_demo
from sharehub.events.demo import COMMITTEE_MEETINGS, load_committee_meetings
from sharehub.events.models import Event, EventKind, EventMaterial, MaterialKind
from sharehub.participation.demo import load_demo
from sharehub.participation.models import Committee

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    emails = ["staff", "citizen", "moderator", "admin", "member"]
    accounts = {f"{n}@sharehub.example": UserFactory(email=f"{n}@sharehub.example") for n in emails}
    load_demo(accounts=accounts)
    return accounts


def test_events_demo_runs_after_participation():
    orders = {loader.name: loader.order for loader in core_demo.demo_loaders()}
    assert orders["events"] > orders["participation"]


def test_each_committee_has_a_past_meeting_with_minutes_and_a_coming_one(client, demo):
    created = load_committee_meetings(staff=demo["staff@sharehub.example"])
    assert created == 2 * len(COMMITTEE_MEETINGS)
    assert load_committee_meetings(staff=demo["staff@sharehub.example"]) == 0
    for committee in Committee.objects.all():
        meetings = Event.objects.filter(committee=committee, kind=EventKind.COMMITTEE_MEETING)
        assert meetings.count() == 2
        past = meetings.order_by("starts_at").first()
        minutes = EventMaterial.objects.get(event=past, kind=MaterialKind.MINUTES)
        html = client.get(f"/en/participate/committees/{committee.slug}/").content.decode()
        upcoming = meetings.order_by("starts_at").last()
        assert upcoming.title_en in html and minutes.title in html
        assert "No meeting is scheduled." not in html
        assert "No minutes are published yet." not in html
        download = client.get(minutes.url)
        assert download.status_code == 200
        assert "회의록" in b"".join(download.streaming_content).decode()


def test_demo_recommendations_indexed_published_only(demo):
    from django.contrib.contenttypes.models import ContentType

    from sharehub.participation.models import Recommendation, RecommendationState
    from sharehub.search.models import SearchEntry

    indexed = {
        int(pk)
        for pk in SearchEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Recommendation)
        ).values_list("object_id", flat=True)
    }
    published = set(
        Recommendation.objects.filter(state=RecommendationState.PUBLISHED).values_list(
            "pk", flat=True
        )
    )
    assert published and indexed == published
    assert Recommendation.objects.filter(state=RecommendationState.DRAFT).exists()
