"""The committee review's test world: a committee with a chair, a secretary and a member, another
committee with its own member, and proposals on the first one's agenda (imported by the review
tests as the `board` fixture: `from .review_setup import board_fixture`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from sharehub.accounts.models import User
from sharehub.accounts.tests.factories import UserFactory, give_totp
from sharehub.participation.models import (
    Committee,
    CommitteeNote,
    CommitteeRole,
    PolicyArea,
    Proposal,
    ProposalState,
    Recommendation,
    RecommendationItem,
)

from .factories import CommitteeFactory, MembershipFactory, PolicyAreaFactory, ProposalFactory

SECRET = "비밀메모내용XQZ"  # a word that appears only in private notes and drafts


@dataclass
class Board:
    committee: Committee
    other: Committee
    area: PolicyArea
    chair: User
    secretary: User
    member: User
    outsider_member: User  # a member of the other committee
    author: User
    citizen: User
    city_staff: User
    moderator: User
    former: User  # a member whose term has ended
    proposal: Proposal
    second: Proposal

    def on_agenda(self, **extra) -> Proposal:
        values = {
            "area": self.area,
            "author": self.author,
            "state": ProposalState.ON_AGENDA,
            "agenda_committee": self.committee,
            "supports_count": 3,
            "threshold_reached_at": timezone.now() - timedelta(days=1),
            "answer_due": timezone.now() + timedelta(days=59),
        }
        return ProposalFactory(**{**values, **extra})

    def draft(self, *, with_item: bool = True, **extra) -> Recommendation:
        recommendation = Recommendation.objects.create(
            committee=self.committee,
            title=extra.pop("title", f"권고 초안 {SECRET}"),
            body=f"<p>초안 본문 {SECRET}</p>",
            created_by=self.member,
            **extra,
        )
        if with_item:
            RecommendationItem.objects.create(
                recommendation=recommendation,
                proposal=self.proposal,
                verdict="recommend",
                reasons=f"이유 {SECRET}",
            )
        return recommendation

    def note(self, proposal: Proposal | None = None) -> CommitteeNote:
        return CommitteeNote.objects.create(
            committee=self.committee,
            proposal=proposal or self.proposal,
            author=self.member,
            text=f"메모 {SECRET}",
        )


def _seat(committee: Committee, user: User, role: str, **extra) -> None:
    MembershipFactory(committee=committee, user=user, role=role, **extra)


@pytest.fixture(name="board")
def board_fixture(db) -> Board:
    committee = CommitteeFactory()
    other = CommitteeFactory()
    area = PolicyAreaFactory(committee=committee)
    people = {
        name: UserFactory()
        for name in (
            "chair",
            "secretary",
            "member",
            "outsider_member",
            "author",
            "citizen",
            "former",
        )
    }
    _seat(committee, people["chair"], CommitteeRole.CHAIR)
    _seat(committee, people["secretary"], CommitteeRole.SECRETARY)
    _seat(committee, people["member"], CommitteeRole.MEMBER)
    _seat(other, people["outsider_member"], CommitteeRole.CHAIR)
    _seat(
        committee,
        people["former"],
        CommitteeRole.CHAIR,
        term_start=date.today() - timedelta(days=400),
        term_end=date.today() - timedelta(days=1),
    )
    board = Board(
        committee=committee,
        other=other,
        area=area,
        city_staff=give_totp(UserFactory(is_city_staff=True)),
        moderator=give_totp(UserFactory(is_moderator=True)),
        proposal=None,  # type: ignore[arg-type]
        second=None,  # type: ignore[arg-type]
        **people,
    )
    board.proposal = board.on_agenda(title="공구도서관 확대 제안")
    board.second = board.on_agenda(title="주차장 공유 제안")
    return board
