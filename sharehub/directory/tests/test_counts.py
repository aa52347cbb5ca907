"""The list's total is kept between writes (core.counts, directory.counts) and never outlives one.

Every test reads the total through the page or the API as a visitor does, first to keep it, then
after a write (through the services, or any other way), and expects the new number at once. The
writes commit for real (a test's own transaction would never bump a version: every count in it
would be counted, and nothing kept would be proven).
"""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sharehub.core import pagecache
from sharehub.designation.models import Designation, DesignationStatus
from sharehub.directory import counts, services
from sharehub.directory.models import Category, Listing, PriceType
from sharehub.directory.selectors import public_listings
from sharehub.moderation import services as moderation
from sharehub.organizations.tests.factories import OrganizationFactory
from sharehub.places.tests.factories import DistrictFactory
from sharehub.search.services import index_object

from .factories import AddressFactory, ListingFactory, ServiceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def total(client, query: str = "") -> int:
    """The page's and the API's total, which must agree."""
    page = client.get(f"/ko/directory/?{query}").context["page"].paginator.count
    api = client.get(f"/api/v1/directory/listings?{query}").json()["count"]
    assert page == api
    return page


def counted(client, path: str) -> bool:
    """Whether answering `path` ran a COUNT over the listings (rather than reading a kept one)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return any("COUNT(*)" in query["sql"] for query in captured.captured_queries)


def _space() -> Category:
    """A category (the migration's are flushed between tests that commit)."""
    return Category.objects.get_or_create(slug="space", defaults={"name_ko": "공간"})[0]


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Each request is built, so the page's total is the one the view reads (core.pagecache
    would answer a repeated anonymous page from its copy)."""
    settings.PAGE_CACHE_SECONDS = 0


def test_a_kept_total_is_read_not_counted(client):
    for listing in ListingFactory.create_batch(3, organization__name_ko="공구창고"):
        index_object(listing)
    assert counted(client, "/ko/directory/")  # the first request counts and keeps it
    assert not counted(client, "/ko/directory/")
    assert not counted(client, "/api/v1/directory/listings")  # the same filters, the same count
    assert counted(client, "/ko/directory/?price=free")  # other filters, another count
    # A search counts its (bounded) hits each time: they are not kept.
    assert total(client, "q=공구창고") == 3
    assert counted(client, "/ko/directory/?q=공구창고")
    assert counted(client, "/ko/directory/?q=공구창고")


def test_total_follows_listings_and_their_organizations(client, moderator):
    listings = ListingFactory.create_batch(3)
    assert total(client) == 3
    ListingFactory()
    assert total(client) == 4
    moderation.hide(actor=moderator, obj=listings[0], reason="Spam")
    assert total(client) == 3
    moderation.hide(actor=moderator, obj=listings[1].organization, reason="Spam")
    assert total(client) == 2
    moderation.restore(actor=moderator, obj=listings[1].organization)
    assert total(client) == 3
    Listing.objects.get(pk=listings[2].pk).delete()
    assert total(client) == 2


def test_total_follows_categories_districts_services_and_designations(client, district):
    space = _space()
    listing, other = ListingFactory.create_batch(2)
    assert total(client, "category=space") == 0
    listing.categories.add(space)
    assert total(client, "category=space") == 1
    listing.categories.remove(space)
    assert total(client, "category=space") == 0

    # A district keeps its own listings and the city-wide ones (those naming no district).
    other.districts_served.add(district)
    assert total(client, f"district={district.slug}") == 2
    listing.districts_served.add(DistrictFactory())  # no longer city-wide, and elsewhere
    assert total(client, f"district={district.slug}") == 1
    listing.districts_served.clear()
    assert total(client, f"district={district.slug}") == 2

    assert total(client, "price=paid") == 0
    service = ServiceFactory(listing=listing, price_type=PriceType.PAID)
    assert total(client, "price=paid") == 1
    service.price_type = PriceType.FREE
    service.save()
    assert total(client, "price=paid") == 0

    assert total(client, "designated=true") == 0
    today = timezone.localdate()
    Designation.objects.create(
        organization=listing.organization,
        number="2026-0001",
        kind="enterprise",
        designated_on=today - datetime.timedelta(days=30),
        valid_until=today,
        status=DesignationStatus.ACTIVE,
    )
    assert total(client, "designated=true") == 1
    # Whether a designation is current changes with the date alone: tomorrow it has ended.
    with mock.patch(
        "django.utils.timezone.localdate", return_value=today + datetime.timedelta(days=1)
    ):
        assert total(client, "designated=true") == 0


def test_total_follows_addresses(client, district):
    listing = ListingFactory()
    listing.districts_served.add(DistrictFactory())
    assert total(client, f"district={district.slug}") == 0
    address = AddressFactory(listing=listing, district=district)
    assert total(client, f"district={district.slug}") == 1
    address.delete()
    assert total(client, f"district={district.slug}") == 0


def test_a_listing_edit_through_the_service_changes_the_total(client, member):
    listing = Listing.objects.get(organization__memberships__user=member)
    space = _space()
    assert total(client, "category=space") == 0
    services.update_listing(actor=member, organization=listing.organization, categories=[space])
    assert total(client, "category=space") == 1


def test_a_rolled_back_write_keeps_the_count_and_a_committed_one_ends_it(client):
    ListingFactory.create_batch(2)
    assert total(client) == 2
    with pytest.raises(RuntimeError), transaction.atomic():
        ListingFactory()
        raise RuntimeError("the service failed")
    assert not counted(client, "/ko/directory/")
    assert total(client) == 2
    ListingFactory()
    assert counted(client, "/ko/directory/")
    assert total(client) == 3


def test_a_count_made_before_a_write_is_never_served(client):
    """A request read the versions, a write committed, then the request kept its (old) count:
    the count is under versions that are no longer current, so the next request counts."""
    ListingFactory.create_batch(2)
    key = counts.filter_key({})
    listed = public_listings()
    shards, _kept = counts.kept._read(listed.db, counts.kept._tables(listed), [key])
    before = pagecache.shard_versions(shards)
    ListingFactory()  # the write commits: the listings' version moves on
    counts.kept._keep(key, versions=before, n=2)  # the slow request stores what it counted
    assert counts.count(public_listings(), key) == 3
    assert total(client) == 3


def test_writes_that_send_no_signal_end_the_count_too(client):
    """update(), bulk_create and raw SQL: the kept count follows the versions every statement
    moves, not the models' signals."""
    listings = ListingFactory.create_batch(3)
    assert total(client) == 3
    Listing.objects.filter(pk=listings[0].pk).update(moderation_status="hidden")
    assert total(client) == 2
    Listing.objects.bulk_create([ListingFactory.build(organization=OrganizationFactory())])
    assert total(client) == 3
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE directory_listing SET moderation_status = %s WHERE id = %s",
            ["hidden", listings[1].pk],
        )
    assert total(client) == 2
    space = _space()
    through = Listing.categories.through
    through.objects.bulk_create([through(listing_id=listings[2].pk, category_id=space.pk)])
    assert total(client, "category=space") == 1
    Category.objects.filter(pk=space.pk).update(order=F("order") + 1)  # read by no count
    assert not counted(client, "/ko/directory/?category=space")


def test_a_connections_own_uncommitted_write_is_counted_not_kept(client):
    ListingFactory.create_batch(2)
    key = counts.filter_key({})
    assert total(client) == 2
    with pytest.raises(RuntimeError), transaction.atomic():
        ListingFactory()
        # Its own write is seen at once (the versions move only at the commit)...
        assert counts.count(public_listings(), key) == 3
        raise RuntimeError("the service failed")
    # ...and nothing was kept of it.
    assert not counted(client, "/ko/directory/")
    assert total(client) == 2


def test_no_write_touches_a_kept_count():
    """What made the counts' version row hot: every transaction that changed a counted table
    updated it. Now a write writes its rows and its tables' versions only."""
    listing = ListingFactory()
    counts.count(public_listings(), counts.filter_key({}))
    with CaptureQueriesContext(connection) as captured:
        ListingFactory()
        Listing.objects.filter(pk=listing.pk).update(summary_en="Edited")
        listing.categories.add(_space())
    assert captured.captured_queries
    assert not [q for q in captured.captured_queries if "listingcount" in q["sql"]]


def test_a_kept_count_is_served_without_building_its_query():
    """`count_of` builds the list's query only to count it (or to learn its tables once): a
    served count is its one query. After a write it builds and counts again."""
    ListingFactory.create_batch(2)
    built = mock.Mock(side_effect=public_listings)
    key = counts.filter_key({})
    assert counts.count_of(built, key) == 2
    calls = built.call_count
    assert calls >= 1
    with CaptureQueriesContext(connection) as captured:
        assert counts.count_of(built, key) == 2
    assert built.call_count == calls
    assert len(captured.captured_queries) == 1
    assert "COUNT(*)" not in captured.captured_queries[0]["sql"]
    ListingFactory()
    assert counts.count_of(built, key) == 3
    assert built.call_count > calls


def test_several_kept_counts_are_read_in_one_query(district):
    """A district page's two counts: their versions and kept values in one query when served,
    both counted again after a write to the listings."""
    local = ListingFactory(organization=OrganizationFactory(district=district))
    ListingFactory(organization=OrganizationFactory(district=DistrictFactory()))
    everywhere = counts.filter_key({})
    mine = counts.local_key(district)

    def wanted():
        return (
            (public_listings, everywhere),
            (lambda: public_listings().filter(organization__district=district), mine),
        )

    assert counts.counts_of(*wanted()) == [2, 1]
    with CaptureQueriesContext(connection) as captured:
        assert counts.counts_of(*wanted()) == [2, 1]
    assert len(captured.captured_queries) == 1
    assert "COUNT(*)" not in captured.captured_queries[0]["sql"]
    Listing.objects.filter(pk=local.pk).update(moderation_status="hidden")
    assert counts.counts_of(*wanted()) == [1, 0]
    # Uncounted keys beside a kept one: each as `count_of` would answer it.
    assert counts.counts_of((public_listings, None), *wanted()) == [1, 1, 0]
