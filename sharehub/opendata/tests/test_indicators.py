"""The live indicators: every indicator's value against figures computed by hand on fixture data,
public data only, the engine's grouping, filters, running totals and ratios, and its cache."""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from sharehub.designation.models import Designation, DesignationKind, DesignationStatus
from sharehub.directory.models import PriceType
from sharehub.directory.tests.factories import CategoryFactory, ListingFactory, ServiceFactory
from sharehub.events.models import EventKind, EventStatus, Registration, RegistrationStatus
from sharehub.events.tests.factories import EventFactory
from sharehub.facilities.models import MonthlyResult
from sharehub.facilities.selectors.results import STORED
from sharehub.facilities.tests.factories import SpaceFactory
from sharehub.moderation.models import ModerationStatus
from sharehub.newsletters.models import Subscriber
from sharehub.newsletters.tests.factories import SubscriberFactory
from sharehub.opendata import indicators
from sharehub.opendata.indicators import Row, by_district, engine, rows
from sharehub.organizations.tests.factories import OrganizationFactory
from sharehub.participation.models import ProposalState, Support
from sharehub.participation.tests.factories import (
    AnswerFactory,
    PolicyAreaFactory,
    ProposalFactory,
    RecommendationFactory,
)
from sharehub.places.tests.factories import DistrictFactory
from sharehub.programmes.models import Application, Award, CallKind
from sharehub.programmes.tests.factories import open_call

pytestmark = pytest.mark.django_db

M1, M2, M3 = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


def at(month: date, day: int = 15) -> datetime:
    """Noon on a day of the month in Seoul."""
    return timezone.make_aware(datetime(month.year, month.month, day, 12))


def value(code: str, **kwargs) -> dict:
    indicator = indicators.get(code)
    assert indicator is not None, code
    return {(r.period, r.district, r.category): r.value for r in rows(indicator, **kwargs)}


@pytest.fixture
def places():
    a = DistrictFactory(code="11110", name_ko="종로구", name_en="Jongno-gu")
    b = DistrictFactory(code="11140", name_ko="중구", name_en="Jung-gu")
    return a, b


def test_every_module_registered():
    groups = {i.group for i in indicators.all_indicators()}
    assert groups == {
        "directory",
        "designation",
        "events",
        "facilities",
        "participation",
        "programmes",
        "newsletters",
    }
    for indicator in indicators.all_indicators():
        assert all(
            str(getattr(indicator, name))
            for name in ("name", "unit", "definition", "method", "source")
        )
        if indicator.ratio_of:
            assert all(indicators.get(code) for code in indicator.ratio_of)


# --- Directory --------------------------------------------------------------------------------


@pytest.fixture
def directory(places):
    a, b = places
    tools, space = CategoryFactory(slug="t-tools"), CategoryFactory(slug="t-space")
    one = ListingFactory(organization=OrganizationFactory(district=a), created_at=at(M1))
    one.categories.set([tools, space])
    two = ListingFactory(organization=OrganizationFactory(district=a), created_at=at(M3))
    two.categories.set([tools])
    ListingFactory(organization=OrganizationFactory(district=b), created_at=at(M3))
    # Not public: a pending listing, a hidden organization's listing.
    hidden = ListingFactory(
        organization=OrganizationFactory(district=b),
        created_at=at(M1),
        moderation_status=ModerationStatus.PENDING,
    )
    ListingFactory(
        organization=OrganizationFactory(district=b, moderation_status=ModerationStatus.HIDDEN),
        created_at=at(M1),
    )
    ServiceFactory(listing=one, category=tools, price_type=PriceType.FREE)
    ServiceFactory(listing=one, category=tools, price_type=PriceType.PAID)
    ServiceFactory(listing=two, category=None, price_type=PriceType.FREE)
    ServiceFactory(listing=hidden, category=tools, price_type=PriceType.FREE)
    return a, b


def test_listings_new_and_total(directory):
    assert value("directory.listings") == {(M1, None, None): 1, (M3, None, None): 2}
    assert value("directory.listings", by=("district",)) == {
        (None, "11110", None): 2,
        (None, "11140", None): 1,
    }
    # A listing in two categories counts in each; one with none counts with none.
    assert value("directory.listings", by=("category",)) == {
        (None, None, "t-space"): 1,
        (None, None, "t-tools"): 2,
        (None, None, None): 1,
    }
    assert value("directory.listings", start=M2) == {(M3, None, None): 2}
    # The running total: every month from the first, February holding January's.
    assert value("directory.listings_total") == {
        (M1, None, None): 1,
        (M2, None, None): 1,
        (M3, None, None): 3,
    }
    assert value("directory.listings_total", by=("period", "district"), start=M2) == {
        (M2, "11110", None): 1,
        (M3, "11110", None): 2,
        (M3, "11140", None): 1,
    }
    # Without the period: the stock at `end`, whatever the start.
    total = indicators.get("directory.listings_total")
    assert by_district(total, start=M2, end=M2) == {"11110": Decimal(1)}
    assert by_district(total) == {"11110": Decimal(2), "11140": Decimal(1)}
    assert value("directory.listings_total", by=("category",), district="11110") == {
        (None, None, "t-space"): 1,
        (None, None, "t-tools"): 2,
    }


def test_services(directory):
    assert value("directory.services", by=("category",)) == {
        (None, None, "t-tools"): 2,
        (None, None, None): 1,
    }
    assert value("directory.services_by_price", by=("district", "category")) == {
        (None, "11110", "free"): 2,
        (None, "11110", "paid"): 1,
    }


# --- Designation ------------------------------------------------------------------------------


def designation(organization, number, designated_on, **fields) -> Designation:
    return Designation.objects.create(
        organization=organization,
        number=number,
        kind=fields.pop("kind", DesignationKind.ENTERPRISE),
        designated_on=designated_on,
        valid_until=fields.pop("valid_until", designated_on + timedelta(days=3 * 365)),
        **fields,
    )


def test_designations(places):
    a, b = places
    today = timezone.localdate()
    month = today.replace(day=1)
    first, second = OrganizationFactory(district=a), OrganizationFactory(district=b)
    old = designation(
        first,
        "2020-001",
        date(2020, 5, 10),
        valid_until=date(2023, 5, 9),
        status=DesignationStatus.RENEWED,
    )
    renewal = designation(
        first, "2023-001", date(2023, 5, 10), valid_until=today + timedelta(days=30)
    )
    old.renewed_by = renewal
    old.save()
    designation(second, "2024-001", today, kind=DesignationKind.ORGANIZATION)
    hidden = OrganizationFactory(district=b, moderation_status=ModerationStatus.HIDDEN)
    designation(hidden, "2024-002", today)
    expired_org = OrganizationFactory(district=a)
    designation(
        expired_org,
        "2020-002",
        date(2020, 5, 20),
        valid_until=date(2023, 5, 19),
        status=DesignationStatus.EXPIRED,
    )
    assert value("designation.granted", by=("period", "district", "category")) == {
        (date(2020, 5, 1), "11110", "enterprise"): 2,  # the renewal is not a new designation
        (month, "11140", "organization"): 1,
    }
    assert value("designation.current", by=("district", "category")) == {
        (None, "11110", "enterprise"): 1,
        (None, "11140", "organization"): 1,
    }


# --- Events -----------------------------------------------------------------------------------


def test_events_registrations_attendance(places, user, other_user):
    a, b = places
    from sharehub.accounts.tests.factories import UserFactory

    training = EventFactory(district=a, kind=EventKind.TRAINING, starts_at=at(M1))
    meeting = EventFactory(district=None, kind=EventKind.MEETING, starts_at=at(M2))
    EventFactory(district=b, status=EventStatus.DRAFT, starts_at=at(M1))
    hidden = EventFactory(
        district=b,
        starts_at=at(M1),
        organization=OrganizationFactory(moderation_status=ModerationStatus.HIDDEN),
    )
    third = UserFactory()
    for person, status, checked in (
        (user, RegistrationStatus.CONFIRMED, True),
        (other_user, RegistrationStatus.CONFIRMED, False),
        (third, RegistrationStatus.WAITLISTED, False),
    ):
        Registration.objects.create(
            event=training, user=person, status=status, checked_in_at=at(M1) if checked else None
        )
    Registration.objects.create(event=meeting, user=user, status=RegistrationStatus.CONFIRMED)
    Registration.objects.create(
        event=hidden, user=user, status=RegistrationStatus.CONFIRMED, checked_in_at=at(M1)
    )
    assert value("events.events", by=("period", "district", "category")) == {
        (M1, "11110", "training"): 1,
        (M2, None, "meeting"): 1,
    }
    assert value("events.registrations") == {(M1, None, None): 2, (M2, None, None): 1}
    assert value("events.attendance", by=("district",)) == {(None, "11110", None): 1}


# --- Facilities -------------------------------------------------------------------------------


def result(space, month, **figures) -> MonthlyResult:
    defaults = dict.fromkeys(STORED, 0)
    return MonthlyResult.objects.create(space=space, month=month, **{**defaults, **figures})


def test_facilities(places):
    a, b = places
    one, two, three = SpaceFactory(district=a), SpaceFactory(district=a), SpaceFactory(district=b)
    result(
        one,
        M1,
        uses=10,
        booked_hours=Decimal("30.0"),
        open_hours=Decimal("100.0"),
        evening_weekend_open_hours=Decimal("40.0"),
    )
    result(
        two,
        M1,
        uses=5,
        booked_hours=Decimal("10.0"),
        open_hours=Decimal("100.0"),
        evening_weekend_open_hours=Decimal("20.0"),
    )
    result(
        three,
        M1,
        uses=3,
        booked_hours=Decimal("5.5"),
        open_hours=Decimal("50.0"),
        evening_weekend_open_hours=Decimal("0.0"),
    )
    result(
        one,
        M2,
        uses=7,
        booked_hours=Decimal("20.0"),
        open_hours=Decimal("90.0"),
        evening_weekend_open_hours=Decimal("30.0"),
    )
    assert value("facilities.uses", by=("district",)) == {
        (None, "11110", None): 22,
        (None, "11140", None): 3,
    }
    assert value("facilities.spaces") == {(M1, None, None): 3, (M2, None, None): 1}
    # (10 + 5 + 3) / 3 = 6.0 in January; over both months 25 uses / 4 space-months = 6.25 → 6.3.
    assert value("facilities.uses_per_space") == {
        (M1, None, None): Decimal("6.0"),
        (M2, None, None): Decimal("7.0"),
    }
    assert value("facilities.uses_per_space", by=()) == {(None, None, None): Decimal("6.3")}
    # 22 uses / 3 space-months in Jongno = 7.33 → 7.3.
    assert value("facilities.uses_per_space", by=("district",))[(None, "11110", None)] == Decimal(
        "7.3"
    )
    # January: 45.5 / 250 = 18.2 %; Jung-gu 5.5 / 50 = 11.0 %.
    assert value("facilities.utilisation")[(M1, None, None)] == Decimal("18.2")
    assert value("facilities.utilisation", by=("district",), end=M1)[
        (None, "11140", None)
    ] == Decimal("11.0")
    # Evening and weekend: (40 + 20 + 0 + 30) / (100 + 100 + 50 + 90) = 90 / 340 = 26.47 → 26.5 %.
    assert value("facilities.evening_weekend_share", by=()) == {(None, None, None): Decimal("26.5")}
    assert value("facilities.evening_weekend_share", district="11140") == {
        (M1, None, None): Decimal("0.0")
    }


# --- Participation ----------------------------------------------------------------------------


def test_participation(places, user, other_user):
    a, b = places
    area = PolicyAreaFactory(slug="promotion")
    one = ProposalFactory(area=area, published_at=at(M1))
    one.districts.set([a, b])
    two = ProposalFactory(area=area, published_at=at(M2))
    draft = ProposalFactory(
        area=area, state=ProposalState.DRAFT, moderation_status="", published_at=None
    )
    hidden = ProposalFactory(
        area=area, moderation_status=ModerationStatus.HIDDEN, published_at=at(M1)
    )
    for proposal, person, month in (
        (one, user, M1),
        (one, other_user, M2),
        (two, user, M2),
        (hidden, user, M1),
        (draft, user, M1),
    ):
        Support.objects.create(proposal=proposal, user=person, created_at=at(month))
    assert value("participation.proposals", by=("period", "district")) == {
        (M1, "11110", None): 1,
        (M1, "11140", None): 1,
        (M2, None, None): 1,
    }
    assert value("participation.proposals", by=("category",)) == {(None, None, "promotion"): 2}
    assert value("participation.supports") == {(M1, None, None): 1, (M2, None, None): 2}
    assert value("participation.supports", district="11110") == {
        (M1, None, None): 1,
        (M2, None, None): 1,
    }
    # Answers: two on time (one accepted, one rejected), one late, one to a draft recommendation.
    due = at(M2)
    AnswerFactory(
        recommendation=RecommendationFactory(answer_due=due), answered_at=at(M1), status="accepted"
    )
    AnswerFactory(
        recommendation=RecommendationFactory(answer_due=due),
        answered_at=at(M2, 1),
        status="rejected",
    )
    AnswerFactory(
        recommendation=RecommendationFactory(answer_due=due), answered_at=at(M3), status="accepted"
    )
    AnswerFactory(
        recommendation=RecommendationFactory(answer_due=due, state="draft"), answered_at=at(M1)
    )
    assert value("participation.answers", by=()) == {(None, None, None): 3}
    assert value("participation.answers_on_time", by=("category",)) == {
        (None, None, "accepted"): 1,
        (None, None, "rejected"): 1,
    }
    # 2 of 3 = 66.7 %; accepted: 1 of 2 = 50.0 %.
    assert value("participation.answers_on_time_share", by=()) == {
        (None, None, None): Decimal("66.7")
    }
    assert value("participation.answers_on_time_share", by=("category",)) == {
        (None, None, "accepted"): Decimal("50.0"),
        (None, None, "rejected"): Decimal("100.0"),
    }
    assert value("participation.answers_on_time_share")[(M3, None, None)] == Decimal("0.0")


# --- Programmes -------------------------------------------------------------------------------


def award(call, organization, amount: int, on: date) -> Award:
    application = Application.objects.create(
        call=call,
        track=call.tracks.order_by("order").first(),
        organization=organization,
        title="공구도서관",
        submitted_at=timezone.now(),
        status="awarded",
    )
    return Award.objects.create(
        application=application,
        call=call,
        amount=amount,
        cap=amount,
        awarded_on=on,
        identifier=Award.new_identifier(),
    )


def test_awards(places):
    a, b = places
    grant = open_call()
    consulting = open_call(kind=CallKind.CONSULTING)
    unpublished = open_call(published_at=None)
    award(grant, OrganizationFactory(district=a), 10_000_000, date(2025, 1, 20))
    award(grant, OrganizationFactory(district=b), 5_000_000, date(2025, 1, 25))
    award(consulting, OrganizationFactory(district=a), 2_000_000, date(2025, 2, 3))
    award(unpublished, OrganizationFactory(district=a), 9_000_000, date(2025, 2, 3))
    assert value("programmes.awards", by=("district",)) == {
        (None, "11110", None): 2,
        (None, "11140", None): 1,
    }
    assert value("programmes.awarded_amount", by=("period", "category")) == {
        (M1, None, "grant"): 15_000_000,
        (M2, None, "consulting"): 2_000_000,
    }
    assert by_district(indicators.get("programmes.awarded_amount"), start=M1, end=M1) == {
        "11110": Decimal(10_000_000),
        "11140": Decimal(5_000_000),
    }


def test_awards_of_a_call_published_later_count_from_its_publication(places):
    import time

    from sharehub.opendata.indicators.engine import CACHE_SECONDS, _changes_at, _lifetime

    a, _b = places
    awards = indicators.get("programmes.awards")
    now = timezone.now()
    assert _lifetime(_changes_at(awards), now) == CACHE_SECONDS  # nothing due: the usual lifetime
    later = open_call(published_at=now + timedelta(seconds=1))
    award(later, OrganizationFactory(district=a), 1_000_000, date(2025, 1, 20))
    assert _lifetime(_changes_at(awards), timezone.now()) <= 1
    assert value("programmes.awards", by=()) == {}  # cached for at most that second
    time.sleep(1.2)
    # Public now, with no write: the table was not kept past the publication.
    assert value("programmes.awards", by=()) == {(None, None, None): 1}


# --- Newsletters ------------------------------------------------------------------------------


def test_subscribers(places):
    a, b = places
    SubscriberFactory(district=a, confirmed_at=at(M1))
    SubscriberFactory(district=a, confirmed_at=at(M3))
    SubscriberFactory(district=None, confirmed_at=at(M2))
    SubscriberFactory(district=b, status=Subscriber.Status.PENDING, confirmed_at=None)
    SubscriberFactory(district=b, status=Subscriber.Status.UNSUBSCRIBED, confirmed_at=at(M1))
    assert value("newsletters.subscribers") == {
        (M1, None, None): 1,
        (M2, None, None): 2,
        (M3, None, None): 3,
    }
    assert value("newsletters.subscribers", by=("district",), end=M2) == {
        (None, "11110", None): 1,
        (None, None, None): 1,
    }


# --- The cache --------------------------------------------------------------------------------


# Committed for real: the cache follows versions that move at a commit.
@pytest.mark.django_db(transaction=True)
def test_cached_table_follows_every_write_to_its_sources(places):
    """Kept until a source table is written, by whatever wrote it (core.pagecache's versions)."""
    a, _b = places
    listings = indicators.get("directory.listings")
    ListingFactory(organization=OrganizationFactory(district=a), created_at=at(M1))
    assert rows(listings, by=()) == [Row(None, None, None, 1)]
    first = indicators.table_of(listings)
    assert indicators.table_of(listings).computed_at == first.computed_at
    ListingFactory(organization=OrganizationFactory(district=a), created_at=at(M1))
    assert rows(listings, by=()) == [Row(None, None, None, 2)]
    # A many-to-many change and a bulk update, which send no post_save, move the version too.
    listing = ListingFactory(organization=OrganizationFactory(district=a), created_at=at(M2))
    listing.categories.set([CategoryFactory(slug="t-tools")])
    assert value("directory.listings", by=("category",))[(None, None, "t-tools")] == 1
    assert value("directory.listings", by=("period",))[(M2, None, None)] == 1
    type(listing).objects.filter(pk=listing.pk).update(created_at=at(M1))
    assert value("directory.listings", by=("period",)) == {(M1, None, None): 3}


# Committed for real: the cache follows versions that move at a commit.
@pytest.mark.django_db(transaction=True)
def test_snapshot_reads_every_table_in_two_queries(places, django_assert_max_num_queries):
    a, _b = places
    everything = indicators.all_indicators()
    ListingFactory(organization=OrganizationFactory(district=a), created_at=at(M1))
    with indicators.snapshot(everything):  # computes and caches every table
        for indicator in everything:
            rows(indicator, by=())
    # Warm, however many indicators are read: one query of the sources' versions, one cache read
    # of the tables, and the two the rows' labels cost (the districts, the categories).
    with django_assert_max_num_queries(3), indicators.snapshot(everything):
        for indicator in everything:
            rows(indicator, by=("period", "district"))
    assert value("directory.listings", by=())[(None, None, None)] == 1
    # A change since is seen by the next snapshot: its versions are read afresh.
    ListingFactory(organization=OrganizationFactory(district=a), created_at=at(M1))
    with indicators.snapshot(everything):
        assert value("directory.listings", by=())[(None, None, None)] == 2
        assert value("directory.listings_total", by=())[(None, None, None)] == 2


def test_cached_tables_pickle_as_calls_of_their_classes_and_older_pickles_load(monkeypatch):
    """A point pickles as a call of its class (fast to read back: a page reads some 25 tables
    from the cache); tables pickled before, through the dataclass's own state, still load."""
    points = (
        engine.Point(date(2025, 1, 1), "11110", "tools", 3),
        engine.Point(None, None, engine.ALL, Decimal("12.5")),
    )
    table = engine.Table(points=points, computed_at=timezone.now())
    assert pickle.loads(pickle.dumps(table)) == table
    assert engine.Point.__reduce__(points[0]) == (
        engine.Point,
        (date(2025, 1, 1), "11110", "tools", 3),
    )

    @dataclass(frozen=True, slots=True)
    class Point:  # as it was pickled before
        period: date | None
        district: str | None
        category: str | None
        value: Decimal | int

    Point.__module__, Point.__qualname__ = engine.__name__, "Point"
    with monkeypatch.context() as patched:
        patched.setattr(engine, "Point", Point)
        older = pickle.dumps(
            tuple(Point(p.period, p.district, p.category, p.value) for p in points)
        )
    assert older != pickle.dumps(points)  # the state, not a call of the class
    assert pickle.loads(older) == points


@pytest.mark.django_db(transaction=True)  # committed, as a live hub's: the tables are kept
def test_a_kept_table_knows_its_next_change_and_the_page_does_not_ask_again(places):
    """The next publication of a call's awards is read when the table is computed and kept with
    it (engine.Table.changes_at): a request that finds the table kept asks the database nothing,
    and a page kept for visitors still lives no longer than that moment."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sharehub.core import pagecache

    a, _b = places
    awards = indicators.get("programmes.awards")
    when = timezone.now() + timedelta(hours=2)
    later = open_call(published_at=when)
    award(later, OrganizationFactory(district=a), 1_000_000, date(2025, 1, 20))
    first = engine.table_of(awards)
    assert first.changes_at == when and first.points == ()
    # A page being built, as core.pagecache records one.
    recorder = pagecache._Reads(versions={}, expires=timezone.now().timestamp() + 3600 * 24)
    token = pagecache._computing.set((recorder,))
    try:
        with CaptureQueriesContext(connection) as queries:
            again = engine.table_of(awards)
    finally:
        pagecache._computing.reset(token)
    assert again.changes_at == when
    # Only its sources' versions are read (outside a page's snapshot, per table).
    read = [pagecache.tables_read(q["sql"]) for q in queries.captured_queries]
    assert read == [{"core_pageversion"}]
    assert recorder.expires <= when.timestamp()  # the page goes with the publication


@pytest.mark.django_db(transaction=True)
def test_a_kept_table_past_its_next_change_is_computed_again(places):
    """A table is never served past its next change by the clock, even while the cache still
    holds it (its timeout counts from after the computing)."""
    from django.core.cache import cache

    from sharehub.core import pagecache

    a, _b = places
    awards = indicators.get("programmes.awards")
    call = open_call(published_at=timezone.now() - timedelta(minutes=1))
    award(call, OrganizationFactory(district=a), 1_000_000, date(2025, 1, 20))
    key = engine._table_key(awards, pagecache.table_versions(engine._tables(awards)))
    passed = timezone.now() - timedelta(seconds=1)
    cache.set(key, engine.Table(points=(), computed_at=passed, changes_at=passed), 600)
    table = engine.table_of(awards)
    assert table.points != () and table.changes_at is None
    assert cache.get(key).points == table.points
