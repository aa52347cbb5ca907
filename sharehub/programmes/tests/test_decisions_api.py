"""/api/v1/programmes: the committee's vote and the decision (the call's staff), with JSON errors
401/403/404/422 and never a 500."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.programmes.models import ApplicationStatus, Award, Call, CommitteeDecision, Conflict

from .factories import MILLION, open_call, staff_user
from .test_decisions import at_committee, vote

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _vote_body(**values) -> dict:
    return {
        "meeting_on": timezone.localdate().isoformat(),
        "members_present": 10,
        "votes_for": 8,
        "votes_against": 1,
        "votes_abstain": 1,
        "attendees": "김위원",
        **values,
    }


@pytest.fixture
def staff():
    return staff_user()


def test_vote_then_award(client, staff):
    call = open_call(budget=50 * MILLION, cap=30 * MILLION)
    application = at_committee(call)
    client.force_login(staff)
    url = f"/api/v1/programmes/applications/{application.pk}/committee-vote"
    no_quorum = client.post(url, _vote_body(members_present=2), content_type=JSON)
    assert no_quorum.status_code == 422 and "members_present" in no_quorum.json()["errors"]
    negative = client.post(url, _vote_body(votes_for=-1), content_type=JSON)
    assert negative.status_code == 422
    recorded = client.post(url, _vote_body(), content_type=JSON)
    assert recorded.status_code == 201
    assert recorded.json()["outcome"] == "approved" and recorded.json()["seats"] == 15

    decide = f"/api/v1/programmes/applications/{application.pk}/decision"
    over_cap = client.post(
        decide, {"outcome": "awarded", "amount": 31 * MILLION}, content_type=JSON
    )
    assert over_cap.status_code == 422 and "30,000,000" in over_cap.json()["errors"]["amount"][0]
    assert over_cap.json()["codes"] == {"amount": ["over_cap"]}
    done = client.post(decide, {"outcome": "awarded", "amount": 30 * MILLION}, content_type=JSON)
    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "awarded" and body["amount"] == 30 * MILLION
    assert body["budget_left"] == 20 * MILLION and body["award"].startswith("360G-")
    again = client.post(decide, {"outcome": "rejected", "reason": "다시"}, content_type=JSON)
    assert again.status_code == 422 and "status" in again.json()["errors"]

    second = at_committee(call)
    vote(staff, second)
    over_budget = client.post(
        f"/api/v1/programmes/applications/{second.pk}/decision",
        {"outcome": "awarded", "amount": 25 * MILLION},
        content_type=JSON,
    )
    assert over_budget.status_code == 422
    assert "20,000,000" in over_budget.json()["errors"]["amount"][0]
    assert over_budget.json()["codes"] == {"amount": ["over_budget"]}
    assert Call.objects.get(pk=call.pk).awarded_total == 30 * MILLION


def test_bad_decisions_are_422(client, staff):
    application = at_committee(open_call())
    client.force_login(staff)
    url = f"/api/v1/programmes/applications/{application.pk}/decision"
    for body, field in (
        ({"outcome": "approved"}, "outcome"),
        ({"outcome": "rejected"}, "reason"),
        ({"outcome": "waitlisted", "reason": ""}, "reason"),
        ({"outcome": "awarded"}, "amount"),
        ({"outcome": "awarded", "amount": 0}, "amount"),
        ({"outcome": "awarded", "amount": 10**20}, "amount"),
        ({"outcome": "awarded", "amount": MILLION}, "outcome"),  # no approving vote
        ({"outcome": "rejected", "reason": "x" * 2001}, "reason"),
    ):
        response = client.post(url, body, content_type=JSON)
        assert response.status_code == 422, body
        assert field in response.json()["errors"], (body, response.json())
    assert client.post(url, [1], content_type=JSON).status_code == 422
    rejected = client.post(url, {"outcome": "rejected", "reason": "부적합"}, content_type=JSON)
    assert rejected.status_code == 200 and rejected.json()["amount"] is None
    assert not Award.objects.exists()


def test_forbidden(client, user):
    call = open_call()
    application = at_committee(call)
    reviewer, conflicted, other_staff = UserFactory(), UserFactory(), UserFactory()
    application.assignments.create(reviewer=reviewer, conflict=Conflict.NONE)
    application.assignments.create(reviewer=conflicted, conflict=Conflict.DECLARED)
    open_call().staff.add(other_staff)
    calls = (
        (f"/api/v1/programmes/applications/{application.pk}/committee-vote", _vote_body()),
        (
            f"/api/v1/programmes/applications/{application.pk}/decision",
            {"outcome": "rejected", "reason": "x"},
        ),
    )
    for url, body in calls:
        assert client.post(url, body, content_type=JSON).status_code == 401
        for person, status in (
            (user, 404),
            (conflicted, 404),
            (other_staff, 404),
            (application.owner, 403),
            (reviewer, 403),
        ):
            client.force_login(person)
            response = client.post(url, body, content_type=JSON)
            assert response.status_code == status, (url, person)
            assert "detail" in response.json()
        client.logout()
    client.force_login(staff_user())
    missing = client.post(
        "/api/v1/programmes/applications/999999/decision",
        {"outcome": "rejected", "reason": "x"},
        content_type=JSON,
    )
    assert missing.status_code == 404
    huge = client.post(
        f"/api/v1/programmes/applications/{2**64}/decision",
        {"outcome": "rejected", "reason": "x"},
        content_type=JSON,
    )
    assert huge.status_code == 422
    assert not CommitteeDecision.objects.exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COMMITTEE


def test_one_meetings_votes_on_several_applications(client, staff, user):
    call = open_call()
    first, second = at_committee(call), at_committee(call)
    elsewhere = at_committee(open_call())
    url = f"/api/v1/programmes/calls/{call.slug}/committee-votes"
    counts = {"members_present": 10, "votes_for": 8, "votes_against": 2, "votes_abstain": 0}
    body = {
        "meeting_on": timezone.localdate().isoformat(),
        "attendees": "김위원",
        "votes": [
            {"application": first.pk, **counts},
            {"application": second.pk, **counts, "votes_for": 3, "votes_against": 7},
        ],
    }
    assert client.post(url, body, content_type=JSON).status_code == 401
    client.force_login(first.owner)
    assert client.post(url, body, content_type=JSON).status_code == 404  # sees only its own
    client.force_login(user)
    assert client.post(url, body, content_type=JSON).status_code == 404
    client.force_login(staff)
    foreign = {**body, "votes": [{"application": elsewhere.pk, **counts}]}
    assert client.post(url, foreign, content_type=JSON).status_code == 404
    twice = {**body, "votes": [body["votes"][0], body["votes"][0]]}
    assert client.post(url, twice, content_type=JSON).status_code == 422
    mixed = {**body, "votes": [*body["votes"], {"application": elsewhere.pk, **counts}]}
    assert client.post(url, mixed, content_type=JSON).status_code == 404
    done = client.post(url, body, content_type=JSON)
    assert done.status_code == 201
    assert [v["outcome"] for v in done.json()] == ["approved", "not_approved"]
    assert CommitteeDecision.objects.count() == 2
