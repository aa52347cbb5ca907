"""On real PostgreSQL connections: members of one organization start its application at once
(one draft, the others read "duplicate"), and organizations submit at once (gapless, unique
receipt numbers from the year's counter)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.tests.rush import Rush
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory
from sharehub.programmes.models import Application
from sharehub.programmes.services import applications as services

from .factories import applicant, open_call
from .test_applications import fill, start

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and parallel connections")


@pytest.fixture
def rush():
    pool = Rush(THREADS)
    yield pool
    pool.close()


def test_members_starting_at_once_make_one_draft(rush):
    call = open_call()
    organization, owner = applicant()
    members = [owner]
    for _ in range(THREADS - 1):
        member = UserFactory()
        MembershipFactory(organization=organization, user=member, role=MemberRole.EDITOR)
        members.append(member)
    results = rush.round(
        [lambda m=m: start(call, organization, m, title=f"{m.pk}") for m in members]
    )
    made = [r for r in results if isinstance(r, Application)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1 and len(refused) == THREADS - 1, results
    assert all(e.error_dict["organization"][0].code == "duplicate" for e in refused)
    assert Application.objects.filter(call=call).count() == 1


def test_submissions_at_once_get_gapless_receipts(rush):
    call = open_call()
    drafts = []
    for _ in range(THREADS):
        organization, owner = applicant()
        drafts.append((fill(start(call, organization, owner), owner), owner))
    results = rush.round(
        [lambda d=d, o=o: services.submit_application(actor=o, application=d) for d, o in drafts]
    )
    assert all(isinstance(r, Application) for r in results), results
    year = timezone.localdate().year
    assert sorted(r.receipt_number for r in results) == [
        f"{year}-{n:04d}" for n in range(1, THREADS + 1)
    ]
