"""/api/v1/participation: committees, areas, proposals with the list's filters, supports."""

from __future__ import annotations

import pytest

from sharehub.moderation.models import ModerationStatus
from sharehub.participation.models import CommitteeRole, ProposalState, Support

from .factories import MembershipFactory, ProposalFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/participation"


def test_committees_and_areas(client, area, user):
    MembershipFactory(committee=area.committee, user=user, role=CommitteeRole.SECRETARY)
    data = client.get(f"{API}/committees").json()
    # designation's migrations add the designation committee (공유촉진위원회), without areas
    assert {c["slug"] for c in data} == {area.committee.slug, "sharing-promotion"}
    assert next(c for c in data if c["slug"] == area.committee.slug)["areas"] == [area.slug]
    detail = client.get(f"{API}/committees/{area.committee.slug}").json()
    assert detail["members"][0]["role"] == "secretary"
    assert client.get(f"{API}/committees/nowhere").status_code == 404
    assert client.get(f"{API}/areas").json()[0]["support_threshold"] == area.support_threshold


def test_proposals_list_filters_and_errors(client, area, author, django_assert_max_num_queries):
    ProposalFactory(area=area, author=author)
    ProposalFactory(area=area, author=author, moderation_status=ModerationStatus.HIDDEN)
    ProposalFactory(
        area=area, author=author, state=ProposalState.WITHDRAWN, withdrawal_reason="중복"
    )
    with django_assert_max_num_queries(5):
        data = client.get(f"{API}/proposals").json()
    assert data["count"] == 2
    assert client.get(f"{API}/proposals", {"state": "withdrawn"}).json()["count"] == 1
    bad = client.get(f"{API}/proposals", {"area": "nowhere", "sort": "x"})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"area", "sort"}


def test_hidden_or_draft_proposal_is_404(client, area, author):
    hidden = ProposalFactory(area=area, author=author, moderation_status=ModerationStatus.HIDDEN)
    draft = ProposalFactory(
        area=area, author=author, state=ProposalState.DRAFT, moderation_status=""
    )
    for proposal in (hidden, draft):
        response = client.get(f"{API}/proposals/{proposal.pk}")
        assert response.status_code == 404 and "detail" in response.json()
    client.force_login(author)
    assert client.get(f"{API}/proposals/{draft.pk}").status_code == 200


def test_support_lifecycle(client, proposal, user, author):
    url = f"{API}/proposals/{proposal.pk}/support"
    assert client.post(url).status_code == 401
    client.force_login(user)
    created = client.post(url)
    assert created.status_code == 201 and created.json()["supports_count"] == 1
    twice = client.post(url)
    assert twice.status_code == 422 and twice.json()["errors"]
    assert client.get(f"{API}/supports").json()["results"][0]["proposal"] == proposal.pk
    withdrawn = client.delete(url)
    assert withdrawn.status_code == 200 and withdrawn.json()["supports_count"] == 0
    assert client.delete(url).status_code == 422
    assert not Support.objects.exists()
    client.force_login(author)
    own = client.post(url)
    assert own.status_code == 422


def test_openapi_lists_the_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert f"{API}/proposals" in paths and f"{API}/proposals/{{proposal_id}}/support" in paths
