"""participation: comments — reads (stub, to be filled)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sharehub.participation.models import Proposal

    from . import TimelineEntry


def timeline_entries(proposal: Proposal) -> list[TimelineEntry]:
    """This part's entries in the proposal's public timeline."""
    return []
