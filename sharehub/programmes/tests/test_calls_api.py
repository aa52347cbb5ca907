"""/api/v1/programmes/calls: public reads (published calls only, filters, pages) and the staff's
writes (422 field errors by row, the forbidden paths)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.programmes.models import Call
from sharehub.programmes.tests.factories import MILLION, applicant, open_call

pytestmark = pytest.mark.django_db

API = "/api/v1/programmes/calls"


def _body(**extra):
    now = timezone.now()
    return {
        "title_ko": "공유 촉진 컨설팅",
        "title_en": "Sharing consulting",
        "kind": "consulting",
        "total_budget": 20 * MILLION,
        "award_cap": 5 * MILLION,
        "opens_at": (now + datetime.timedelta(days=1)).isoformat(),
        "closes_at": (now + datetime.timedelta(days=15)).isoformat(),
        "tracks": [{"name_ko": "자유공모", "kind": "free"}],
        "criteria": [{"name_ko": "계획", "weight": 60}, {"name_ko": "효과", "weight": 40}],
        "fields": [{"key": "plan", "label_ko": "사업 내용", "kind": "long_text"}],
        **extra,
    }


def test_public_list_and_detail_hide_unpublished_calls(client):
    current = open_call()
    draft = open_call(published_at=None)
    closed = open_call(
        opens_at=timezone.now() - datetime.timedelta(days=20),
        closes_at=timezone.now() - datetime.timedelta(days=2),
    )
    body = client.get(API).json()
    assert {c["slug"] for c in body["results"]} == {current.slug, closed.slug}
    assert body["results"][0]["slug"] == current.slug and body["results"][0]["phase"] == "open"
    only_closed = client.get(API, {"phase": "closed"}).json()
    assert [c["slug"] for c in only_closed["results"]] == [closed.slug]
    response = client.get(API, {"phase": "someday"})
    assert response.status_code == 422 and "phase" in response.json()["errors"]
    detail = client.get(f"{API}/{current.slug}").json()
    assert [c["weight"] for c in detail["criteria"]] == [30, 25, 45]
    assert [t["kind"] for t in detail["tracks"]] == ["themed", "free"]
    assert [f["key"] for f in detail["fields"]] == ["plan", "budget", "budget_sheet"]
    assert client.get(f"{API}/{draft.slug}").status_code == 404


def test_staff_create_update_and_publish(client, city_staff):
    client.force_login(city_staff)
    bad = _body(criteria=[{"name_ko": "계획", "weight": 60}, {"name_ko": "효과", "weight": 30}])
    response = client.post(API, bad, content_type="application/json")
    assert response.status_code == 422 and list(response.json()["errors"]) == ["criteria"]
    response = client.post(API, _body(award_cap=30 * MILLION), content_type="application/json")
    assert response.status_code == 422 and "award_cap" in response.json()["errors"]
    assert not Call.objects.exists()
    response = client.post(API, _body(), content_type="application/json")
    assert response.status_code == 201, response.json()
    slug = response.json()["slug"]
    assert response.json()["published"] is False
    tracks = response.json()["tracks"]
    response = client.patch(
        f"{API}/{slug}",
        {"tracks": [{**tracks[0], "award_cap": 9 * MILLION}]},
        content_type="application/json",
    )
    assert response.status_code == 422 and list(response.json()["errors"]) == ["tracks-0-award_cap"]
    response = client.patch(
        f"{API}/{slug}", {"title_en": "Consulting"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["title_en"] == "Consulting"
    response = client.post(f"{API}/{slug}/publish")
    assert response.status_code == 200 and response.json()["published"] is True
    client.logout()
    assert client.get(f"{API}/{slug}").status_code == 200


def test_forbidden_writes(client, user):
    call = open_call()
    draft = open_call(published_at=None)
    assert client.post(API, _body(), content_type="application/json").status_code == 401
    assert (
        client.patch(f"{API}/{call.slug}", {}, content_type="application/json").status_code == 401
    )
    assert client.post(f"{API}/{draft.slug}/publish").status_code == 401
    _organization, member = applicant()
    named = UserFactory()
    open_call().staff.add(named)
    for person in (user, member, named):
        client.force_login(person)
        assert client.post(API, _body(), content_type="application/json").status_code == 403
        response = client.patch(
            f"{API}/{call.slug}", {"title_en": "x"}, content_type="application/json"
        )
        assert response.status_code == 403
        assert client.post(f"{API}/{draft.slug}/publish").status_code == 404
    call.refresh_from_db()
    draft.refresh_from_db()
    assert call.title_en != "x" and not draft.is_published and Call.objects.count() == 3
