"""Two owners acting against each other at the same moment, on real PostgreSQL connections.

Each thread runs its service in its own connection; a barrier starts them together. The row lock
on the organization serialises them, and the second re-reads its own role after waiting, so at
least one owner always remains. (SQLite serialises writers by itself; the race needs PostgreSQL.)
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from sharehub.accounts.tests.factories import UserFactory
from sharehub.organizations import services
from sharehub.organizations.models import MemberRole, Membership

from .factories import MembershipFactory, OrganizationFactory


def _race(action, first, second, organization) -> list[BaseException | None]:
    barrier = threading.Barrier(2)
    outcomes: list[BaseException | None] = [None, None]

    def run(index: int, actor, target) -> None:
        try:
            barrier.wait(timeout=10)
            action(actor=actor, organization=organization, target=target)
        except (PermissionDenied, ValidationError) as refused:
            outcomes[index] = refused
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(0, first, second)),
        threading.Thread(target=run, args=(1, second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _demote(*, actor, organization, target) -> None:
    services.change_role(
        actor=actor, organization=organization, member_id=target.pk, role=MemberRole.EDITOR
    )


def _remove(*, actor, organization, target) -> None:
    services.remove_member(actor=actor, organization=organization, member_id=target.pk)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", [_demote, _remove], ids=["demote", "remove"])
def test_two_owners_acting_against_each_other_leave_an_owner(action):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and parallel connections")
    for _round in range(5):
        organization = OrganizationFactory()
        first, second = UserFactory(), UserFactory()
        MembershipFactory(organization=organization, user=first, role=MemberRole.OWNER)
        MembershipFactory(organization=organization, user=second, role=MemberRole.OWNER)
        outcomes = _race(action, first, second, organization)
        owners = Membership.objects.filter(organization=organization, role=MemberRole.OWNER).count()
        assert owners == 1
        # exactly one of them won; the other was refused because it had stopped being an owner
        assert sum(outcome is None for outcome in outcomes) == 1
