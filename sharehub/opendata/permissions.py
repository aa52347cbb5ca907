"""Who may do what in open data: everything public is read by anyone; only city staff edit
datasets, resources, official statistics and scorings (and see drafts)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from sharehub.accounts.roles import is_city_staff
from sharehub.core.actors import Actor


def runs_open_data(actor: Actor) -> bool:
    """City staff keep the catalogue, import statistics and define the district scorings."""
    return is_city_staff(actor)


def require_runs_open_data(actor: Actor) -> None:
    if not runs_open_data(actor):
        raise PermissionDenied
