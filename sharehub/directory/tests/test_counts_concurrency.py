"""Kept counts under parallel writers, on real PostgreSQL connections (core.counts keeps each count
under its tables' versions shard by shard, core.pagecache): no count read is older than a write
committed before the read began, and a write that landed on a shard nobody else holds ends the
kept count at once."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sharehub.core.tests.rush import Rush, finishes_alone, holding_every_shard
from sharehub.directory import counts
from sharehub.directory.models import Listing
from sharehub.directory.selectors import public_listings
from sharehub.organizations.models import Organization
from sharehub.organizations.tests.factories import OrganizationFactory

from .factories import ListingFactory

pytestmark = pytest.mark.django_db(transaction=True)

WRITING = 8
READING = 8
ROUNDS = 4
KEY = counts.filter_key({})


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs parallel connections")


def _read() -> tuple[float, int, bool, float]:
    """(began, the kept total, whether it was counted rather than read kept, ended)."""
    began = time.monotonic()
    with CaptureQueriesContext(connection) as captured:
        n = counts.count(public_listings(), KEY)
    counted = any("COUNT(*)" in query["sql"] for query in captured.captured_queries)
    return began, n, counted, time.monotonic()


def _write(organization: Organization) -> tuple[float, float]:
    """The organization's listing added in its own transaction: (began, committed)."""
    began = time.monotonic()
    Listing.objects.create(organization=organization, summary_ko="나눔", summary_en="Sharing")
    return began, time.monotonic()


def test_no_count_read_is_older_than_a_write_committed_before_it():
    """Writers add listings while readers read the kept total, round after round. Each total
    read must hold every listing committed before the read began, and none that had not begun
    before it ended; and most reads are served kept (or the proof would prove nothing)."""
    base = len(ListingFactory.create_batch(3))
    # Made here: factories' sequences are not for threads.
    organizations = OrganizationFactory.create_batch(WRITING * ROUNDS)
    assert counts.count(public_listings(), KEY) == base
    rush = Rush(WRITING + READING)
    writes: list[tuple[float, float]] = []
    reads: list[tuple[float, int, bool, float]] = []
    try:
        for round_ in range(ROUNDS):
            mine = organizations[round_ * WRITING : (round_ + 1) * WRITING]
            jobs = [lambda o=o: _write(o) for o in mine]
            jobs += [lambda: [_read() for _ in range(6)]] * READING
            results = rush.round(jobs)
            errors = [r for r in results if isinstance(r, Exception)]
            assert not errors, errors
            writes += results[:WRITING]
            reads += [read for batch in results[WRITING:] for read in batch]
            reads.append(_read())  # after the round: every write committed
    finally:
        rush.close()
    for began, n, _counted, ended in reads:
        committed_before = sum(1 for _start, end in writes if end < began)
        begun_before = sum(1 for start, _end in writes if start < ended)
        assert committed_before <= n - base <= begun_before, (n, committed_before, begun_before)
    assert counts.count(public_listings(), KEY) == base + WRITING * ROUNDS
    assert reads[-1][1] == base + WRITING * ROUNDS
    kept = sum(1 for _b, _n, was_counted, _e in reads if not was_counted)
    assert kept > len(reads) / 2, f"only {kept} of {len(reads)} reads were kept"


def test_a_write_on_a_shard_nobody_holds_ends_the_kept_count_at_once():
    """While another transaction holds every shard of the listings' version, a new listing
    commits at once on a new shard (the version's sum and a shard's row both move), and the
    next read counts it."""
    ListingFactory.create_batch(2)
    organization = OrganizationFactory()
    assert counts.count(public_listings(), KEY) == 2
    assert counts.count(public_listings(), KEY) == 2  # kept
    with holding_every_shard(Listing._meta.db_table):
        finishes_alone(lambda: _write(organization))
        assert counts.count(public_listings(), KEY) == 3
