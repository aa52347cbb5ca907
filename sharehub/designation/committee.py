"""The committee's voting rule, as Korean committees under municipal ordinances vote: a meeting
opens with a majority of the seats present (재적위원 과반수 출석) and carries a motion with a
majority of those present voting for it (출석위원 과반수 찬성). Abstentions and members present
who do not vote count against a majority, as in those ordinances."""

from __future__ import annotations


def quorum(seats: int) -> int:
    """The fewest members present for the meeting to decide: more than half of the seats."""
    return seats // 2 + 1


def has_quorum(*, seats: int, present: int) -> bool:
    return present >= quorum(seats)


def majority(present: int) -> int:
    """The fewest votes for that carry a motion: more than half of the members present."""
    return present // 2 + 1


def carried(*, present: int, votes_for: int) -> bool:
    return votes_for >= majority(present)
