"""/api/v1/participation: published recommendations (public), members' notes and drafts (404 for
anyone else), adding a note."""

from __future__ import annotations

import pytest

from sharehub.participation.models import CommitteeNote
from sharehub.participation.services import review as services

from .review_setup import SECRET, board_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
API = "/api/v1/participation"


def test_published_recommendations_list_and_detail(client, board, django_assert_max_num_queries):
    published = board.draft(title="공유 촉진 권고")
    services.publish_recommendation(actor=board.chair, recommendation=published)
    board.draft(title="아직 초안")
    with django_assert_max_num_queries(4):
        data = client.get(f"{API}/recommendations").json()
    assert data["count"] == 1
    row = data["results"][0]
    assert row["title"] == "공유 촉진 권고" and row["committee"] == board.committee.slug
    assert (
        row["state"] == "published"
        and row["answer_due"]
        and row["url"].endswith(f"/participate/recommendations/{published.pk}/")
    )
    filtered = client.get(f"{API}/recommendations", {"committee": board.other.slug}).json()
    assert filtered["count"] == 0
    assert client.get(f"{API}/recommendations", {"committee": "nowhere"}).json()["count"] == 0
    detail = client.get(f"{API}/recommendations/{published.pk}").json()
    assert detail["decisions"] == [
        {
            "proposal": board.proposal.pk,
            "proposal_title": board.proposal.title,
            "proposal_url": detail["decisions"][0]["proposal_url"],
            "verdict": "recommend",
            "reasons": f"이유 {SECRET}",
        }
    ]
    assert client.get(f"{API}/recommendations/999999").status_code == 404


def test_list_queries_do_not_grow(client, board, django_assert_max_num_queries):
    for n in range(5):
        recommendation = board.draft(title=f"권고 {n}", with_item=False)
        recommendation.items.create(proposal=board.on_agenda(), verdict="recommend", reasons="이유")
        services.publish_recommendation(actor=board.chair, recommendation=recommendation)
    with django_assert_max_num_queries(4):
        assert client.get(f"{API}/recommendations").json()["count"] == 5


def test_draft_detail_is_404_for_non_members(client, board):
    draft = board.draft()
    assert client.get(f"{API}/recommendations/{draft.pk}").status_code == 404
    for who in ("citizen", "outsider_member", "former", "city_staff"):
        client.force_login(getattr(board, who))
        response = client.get(f"{API}/recommendations/{draft.pk}")
        assert response.status_code == 404 and "detail" in response.json()
    client.force_login(board.member)
    assert client.get(f"{API}/recommendations/{draft.pk}").json()["state"] == "draft"


def test_members_notes_and_drafts(client, board):
    board.note()
    board.draft()
    notes = f"{API}/committees/{board.committee.slug}/notes"
    drafts = f"{API}/committees/{board.committee.slug}/drafts"
    assert client.get(notes).status_code == 401
    client.force_login(board.outsider_member)
    assert client.get(notes).status_code == 404 and client.get(drafts).status_code == 404
    # a missing committee answers the same as a committee one is not a member of
    assert client.get(f"{API}/committees/nowhere/notes").status_code == 404
    client.force_login(board.secretary)
    data = client.get(notes).json()
    assert data["count"] == 1 and data["results"][0]["author"] == board.member.display_name
    assert client.get(drafts).json()[0]["decisions"][0]["proposal"] == board.proposal.pk


def test_add_note(client, board):
    url = f"{API}/committees/{board.committee.slug}/notes"
    payload = {"proposal": board.proposal.pk, "text": "재정 검토 필요"}
    assert client.post(url, payload, content_type="application/json").status_code == 401
    client.force_login(board.citizen)
    assert client.post(url, payload, content_type="application/json").status_code == 404
    client.force_login(board.member)
    created = client.post(url, payload, content_type="application/json")
    assert created.status_code == 201 and created.json()["text"] == "재정 검토 필요"
    empty = client.post(
        url, {"proposal": board.proposal.pk, "text": " "}, content_type="application/json"
    )
    assert empty.status_code == 422 and "text" in empty.json()["errors"]
    collecting = board.on_agenda(agenda_committee=None, state="collecting")
    off = client.post(
        url, {"proposal": collecting.pk, "text": "x"}, content_type="application/json"
    )
    assert off.status_code == 422 and "proposal" in off.json()["errors"]
    missing = client.post(url, {"proposal": 999999, "text": "x"}, content_type="application/json")
    assert missing.status_code == 404
    assert CommitteeNote.objects.count() == 1


def test_openapi_documents_the_review(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/participation/recommendations" in schema["paths"]
    assert "/api/v1/participation/committees/{slug}/notes" in schema["paths"]
