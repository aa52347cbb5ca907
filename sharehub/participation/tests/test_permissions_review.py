"""The permission matrix of every committee-review write, by role: through the service (allowed,
or PermissionDenied with nothing changed) and through its page (a stranger to the committee gets
404, so nothing leaks; a member without the right 403; the anonymous visitor the login page).

Roles: anonymous, a citizen, the proposal's author, a plain committee member, its chair, its
secretary, a member whose term has ended, the chair of ANOTHER committee, city staff, moderator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from sharehub.participation.models import (
    CommitteeNote,
    ProposalState,
    Recommendation,
    RecommendationItem,
    Review,
)
from sharehub.participation.services import review as services

from .review_setup import Board, board_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "citizen",
    "author",
    "member",
    "chair",
    "secretary",
    "former",
    "outsider_member",
    "city_staff",
    "moderator",
]
MEMBERS = {"member", "chair", "secretary"}
LEADS = {"chair", "secretary"}
NOTE_AUTHOR = {"member"}  # the note in the world is the plain member's


@dataclass(frozen=True)
class Write:
    name: str
    allowed: set[str]
    call: Callable[[Board, Any, dict], Any]  # (board, actor, objects) → service call
    done: Callable[[Board, dict], bool]  # did it happen?
    post: Callable[[Board, dict], tuple[str, dict]]  # the page's URL and form data


def _objects(board: Board) -> dict:
    draft = board.draft(title="권고 초안")
    return {"note": board.note(), "draft": draft, "item": draft.items.get()}


WRITES = [
    Write(
        "assign_rapporteur",
        LEADS,
        lambda b, actor, o: services.assign_rapporteur(
            actor=actor, proposal=b.proposal, rapporteur=b.member
        ),
        lambda b, o: Review.objects.filter(proposal=b.proposal).exists(),
        lambda b, o: (
            f"/ko/participate/committees/{b.committee.slug}/workspace/{b.proposal.pk}/rapporteur/",
            {"rapporteur": b.member.pk},
        ),
    ),
    Write(
        "add_note",
        MEMBERS,
        lambda b, actor, o: services.add_note(
            actor=actor, committee=b.committee, proposal=b.proposal, text="새 메모"
        ),
        lambda b, o: CommitteeNote.objects.filter(text="새 메모").exists(),
        lambda b, o: (
            f"/ko/participate/committees/{b.committee.slug}/workspace/{b.proposal.pk}/notes/",
            {"text": "새 메모"},
        ),
    ),
    Write(
        "delete_note",
        NOTE_AUTHOR,
        lambda b, actor, o: services.delete_note(actor=actor, note=o["note"]),
        lambda b, o: not CommitteeNote.objects.filter(pk=o["note"].pk).exists(),
        lambda b, o: (f"/ko/participate/committees/notes/{o['note'].pk}/delete/", {}),
    ),
    Write(
        "create_recommendation",
        MEMBERS,
        lambda b, actor, o: services.create_recommendation(
            actor=actor, committee=b.committee, title="새 권고", body="<p>본문</p>", language="ko"
        ),
        lambda b, o: Recommendation.objects.filter(title="새 권고").exists(),
        lambda b, o: (
            f"/ko/participate/committees/{b.committee.slug}/recommendations/new/",
            {"title": "새 권고", "body": "<p>본문</p>", "language": "ko"},
        ),
    ),
    Write(
        "update_recommendation",
        MEMBERS,
        lambda b, actor, o: services.update_recommendation(
            actor=actor, recommendation=o["draft"], title="바뀐 제목"
        ),
        lambda b, o: Recommendation.objects.filter(title="바뀐 제목").exists(),
        lambda b, o: (
            f"/ko/participate/recommendations/{o['draft'].pk}/edit/",
            {"title": "바뀐 제목", "body": "<p>본문</p>", "language": "ko"},
        ),
    ),
    Write(
        "set_decision",
        MEMBERS,
        lambda b, actor, o: services.set_decision(
            actor=actor,
            recommendation=o["draft"],
            proposal=b.second,
            verdict="not_recommend",
            reasons="근거 부족",
        ),
        lambda b, o: RecommendationItem.objects.filter(proposal=b.second).exists(),
        lambda b, o: (
            f"/ko/participate/recommendations/{o['draft'].pk}/decisions/",
            {"proposal": b.second.pk, "verdict": "not_recommend", "reasons": "근거 부족"},
        ),
    ),
    Write(
        "remove_decision",
        MEMBERS,
        lambda b, actor, o: services.remove_decision(actor=actor, item=o["item"]),
        lambda b, o: not RecommendationItem.objects.filter(pk=o["item"].pk).exists(),
        lambda b, o: (f"/ko/participate/recommendations/decisions/{o['item'].pk}/remove/", {}),
    ),
    Write(
        "publish_recommendation",
        LEADS,
        lambda b, actor, o: services.publish_recommendation(actor=actor, recommendation=o["draft"]),
        lambda b, o: Recommendation.objects.get(pk=o["draft"].pk).state == "published",
        lambda b, o: (
            f"/ko/participate/recommendations/{o['draft'].pk}/publish/",
            {"confirm": "on"},
        ),
    ),
    Write(
        "delete_recommendation",
        MEMBERS,
        lambda b, actor, o: services.delete_recommendation(actor=actor, recommendation=o["draft"]),
        lambda b, o: not Recommendation.objects.filter(pk=o["draft"].pk).exists(),
        lambda b, o: (f"/ko/participate/recommendations/{o['draft'].pk}/delete/", {}),
    ),
]
CASES = [(write, role) for write in WRITES for role in ROLES]
IDS = [f"{write.name}-{role}" for write, role in CASES]


def _actor(board: Board, role: str) -> Any:
    return AnonymousUser() if role == "anonymous" else getattr(board, role)


@pytest.mark.parametrize(("write", "role"), CASES, ids=IDS)
def test_service(board, write, role):
    objects = _objects(board)
    actor = _actor(board, role)
    if role in write.allowed:
        write.call(board, actor, objects)
        assert write.done(board, objects)
    else:
        with pytest.raises(PermissionDenied):
            write.call(board, actor, objects)
        assert not write.done(board, objects)
        board.proposal.refresh_from_db()
        assert board.proposal.state == ProposalState.ON_AGENDA


@pytest.mark.parametrize(("write", "role"), CASES, ids=IDS)
def test_page(client, board, write, role):
    objects = _objects(board)
    url, data = write.post(board, objects)
    if role != "anonymous":
        client.force_login(getattr(board, role))
    response = client.post(url, data)
    if role in write.allowed:
        assert response.status_code == 302, response.status_code
        assert write.done(board, objects)
        return
    if role == "anonymous":
        assert response.status_code == 302 and "login" in response["Location"]
    elif role in MEMBERS:  # a member without this right: refused, and told so
        assert response.status_code == 403
    else:  # a stranger to the committee cannot tell what it holds
        assert response.status_code == 404
    assert not write.done(board, objects)
