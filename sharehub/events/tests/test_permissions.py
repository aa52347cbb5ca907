"""Permission matrix (pretix style): every organizer URL and API endpoint × role → status, and a
refused request changes nothing. Pages: 302 to the login for visitors, 403 for people who see the
(public) event but do not organize it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sharehub.accounts.tests.factories import UserFactory
from sharehub.events import services
from sharehub.events.models import Event, EventQuestion, Registration
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory

from .factories import EventFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "attendee", "editor", "owner", "other_org_owner", "city_staff"]
OK = {"editor", "owner", "city_staff"}


@pytest.fixture
def world(city_staff):
    organization = OrganizationFactory()
    people = {"anonymous": None, "city_staff": city_staff}
    for role, member_role in (("editor", MemberRole.EDITOR), ("owner", MemberRole.OWNER)):
        people[role] = UserFactory()
        MembershipFactory(organization=organization, user=people[role], role=member_role)
    people["other_org_owner"] = UserFactory()
    MembershipFactory(
        organization=OrganizationFactory(), user=people["other_org_owner"], role=MemberRole.OWNER
    )
    people["attendee"] = UserFactory()
    event = EventFactory(organization=organization)
    registration = services.register(actor=people["attendee"], event=event)
    question = EventQuestion.objects.create(event=event, label_ko="질문")
    return {"people": people, "event": event, "registration": registration, "question": question}


def snapshot(event: Event) -> tuple:
    event.refresh_from_db()
    return (
        event.status,
        event.title_ko,
        event.capacity,
        tuple(Registration.objects.filter(event=event).values_list("status", "checked_in_at")),
        EventQuestion.objects.filter(event=event).count(),
    )


# name → (url name, extra args, method, data); expected 200/302 for organizers
ACTIONS = {
    "manage": ("events:manage", (), "get", None),
    "edit_page": ("events:edit", (), "get", None),
    "csv": ("events:attendees_csv", (), "get", None),
    "checkin_page": ("events:checkin", (), "get", None),
    "counts": ("events:checkin_counts", (), "get", None),
    "edit": ("events:edit", (), "post", "edit"),
    "cancel": ("events:cancel", (), "post", {"reason": "비"}),
    "message": ("events:message", (), "post", {"subject": "안내", "message": "내일 봬요"}),
    "question": (
        "events:question_add",
        (),
        "post",
        {"question-label_ko": "식사", "question-kind": "text", "question-order": "0"},
    ),
    "question_delete": ("events:question_delete", ("question",), "post", {}),
    "remove": ("events:remove", ("registration",), "post", {}),
    "checkin": ("events:checkin", (), "post", "checkin"),
}


def _data(kind, world):
    if kind == "edit":
        event = world["event"]
        return {
            "title_ko": "바뀐 제목",
            "kind": "meeting",
            "status": "published",
            "starts_at": "2030-01-01T10:00",
            "ends_at": "2030-01-01T12:00",
            "capacity": "10",
            "waitlist_mode": "automatic",
            "offer_hours": "24",
            "reminder_hours": "24",
            "address": event.address,
        }
    if kind == "checkin":
        return {"registration": str(world["registration"].pk)}
    return kind


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_organizer_pages(client, world, role, action):
    name, extra, method, data = ACTIONS[action]
    event = world["event"]
    args = [event.pk] + [world[item].pk for item in extra]
    person = world["people"][role]
    if person is not None:
        client.force_login(person)
    before = snapshot(event)
    url = reverse(name, args=args)
    response = client.get(url) if method == "get" else client.post(url, _data(data, world))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in OK:
        assert response.status_code in (200, 302), response.content[:500]
    else:
        assert response.status_code == 403
    if role not in OK:
        assert snapshot(event) == before


@pytest.mark.parametrize("role", ROLES)
def test_api_attendees_and_checkin(client, world, role):
    event = world["event"]
    person = world["people"][role]
    if person is not None:
        client.force_login(person)
    attendees = client.get(f"/api/v1/events/{event.pk}/attendees")
    checkin = client.post(
        f"/api/v1/events/{event.pk}/check-in",
        {"registration": world["registration"].pk},
        content_type="application/json",
    )
    expected = 401 if role == "anonymous" else 200 if role in OK else 403
    assert attendees.status_code == expected
    assert checkin.status_code == expected
    if role in OK:
        assert attendees.json()["count"] == 1
    else:
        assert Registration.objects.get(pk=world["registration"].pk).checked_in_at is None


def test_create_page_only_for_organizers(client, world):
    client.force_login(world["people"]["attendee"])
    assert client.get(reverse("events:create")).status_code == 403
    assert client.get(reverse("events:manage_list")).status_code == 403
    client.force_login(world["people"]["editor"])
    assert client.get(reverse("events:create")).status_code == 200


def test_qr_and_certificate_are_personal(client, world):
    registration = world["registration"]
    client.force_login(world["people"]["other_org_owner"])
    assert client.get(reverse("events:qr", args=[registration.pk])).status_code == 404
    assert client.get(reverse("events:certificate", args=[registration.pk])).status_code == 404
    client.force_login(world["people"]["attendee"])
    response = client.get(reverse("events:qr", args=[registration.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_draft_is_hidden_from_the_public(client, world):
    draft = EventFactory(organization=world["event"].organization, status="draft")
    assert client.get(reverse("events:detail", args=[draft.pk])).status_code == 404
    assert client.get(f"/api/v1/events/{draft.pk}").status_code == 404
    client.force_login(world["people"]["editor"])
    assert client.get(reverse("events:detail", args=[draft.pk])).status_code == 200
