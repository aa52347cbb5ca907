"""The designation committee is one of participation's committees: made by the migrations (the
공유촉진위원회, its seats and remit), found by its slug, and when the city leaves its seats empty
the quorum is counted on the members whose term runs."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory
from sharehub.designation import selectors, services
from sharehub.designation.defaults import COMMITTEE, COMMITTEE_SLUG
from sharehub.designation.models import CommitteeDecision
from sharehub.participation.models import Committee
from sharehub.participation.tests import factories as participation

from .factories import committee_votes, score_all, tick_all, to_last_stage, under_review, world

pytestmark = pytest.mark.django_db
CommitteeFactory = participation.CommitteeFactory


def MembershipFactory(**fields):
    """A current member (participation's factory, with a person)."""
    return participation.MembershipFactory(**{"user": UserFactory(), **fields})


def at_committee():
    organization, owner, _editor, staff = world()
    application = under_review(organization, owner, staff)
    tick_all(application, staff)
    score_all(application, staff)
    return to_last_stage(application, staff), staff


def vote(staff, application, present: int, votes_for: int):
    return services.record_committee_decision(
        actor=staff,
        application=application,
        meeting_on=timezone.localdate(),
        members_present=present,
        votes_for=votes_for,
        votes_against=present - votes_for,
        votes_abstain=0,
    )


def test_the_migrations_make_the_sharing_promotion_committee_a_participation_committee():
    committee = Committee.objects.get(slug=COMMITTEE_SLUG)
    assert committee.name_ko == "공유촉진위원회"
    assert committee.name_en == "Sharing Promotion Committee"
    assert committee.seats == 15
    assert committee.remit_ko == COMMITTEE["remit_ko"] and "지정" in committee.remit_ko
    assert committee.remit_en
    assert selectors.the_committee() == committee


def test_a_vote_names_the_participation_committee():
    application, staff = at_committee()
    decision = committee_votes(application, staff)
    committee = Committee.objects.get(slug=COMMITTEE_SLUG)
    assert decision.committee == committee and decision.seats == 15
    assert list(committee.designation_decisions.all()) == [decision]


def test_another_participation_committee_does_not_vote_on_designations():
    CommitteeFactory(slug="aaa-first", seats=3, order=0)  # first by any order
    application, staff = at_committee()
    decision = committee_votes(application, staff)
    assert decision.committee.slug == COMMITTEE_SLUG and decision.seats == 15


def test_without_seats_the_quorum_counts_the_members_whose_term_runs():
    committee = Committee.objects.get(slug=COMMITTEE_SLUG)
    Committee.objects.filter(pk=committee.pk).update(seats=None)
    today = timezone.localdate()
    current = [MembershipFactory(committee=committee) for _ in range(5)]
    MembershipFactory(committee=committee, user=current[0].user, term_start=today)  # counted once
    MembershipFactory(  # a term that ended
        committee=committee,
        term_start=today - datetime.timedelta(days=400),
        term_end=today - datetime.timedelta(days=1),
    )
    MembershipFactory(committee=committee, term_start=today + datetime.timedelta(days=1))
    MembershipFactory(committee=CommitteeFactory())  # another committee's member
    committee.refresh_from_db()
    assert selectors.committee_seats(committee) == 5
    application, staff = at_committee()
    with pytest.raises(ValidationError) as refused:
        vote(staff, application, present=2, votes_for=2)  # quorum of 5: 3
    assert "members_present" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        vote(staff, application, present=6, votes_for=6)  # more than the 5 members
    assert "members_present" in refused.value.error_dict
    decision = vote(staff, application, present=3, votes_for=2)
    assert decision.seats == 5 and decision.outcome == "approved"
    # a meeting recorded later counts the members of its own day (the ended term ran then)
    last_week = today - datetime.timedelta(days=7)
    assert selectors.committee_seats(committee, on=last_week) == 6
    earlier = services.record_committee_decision(
        actor=staff,
        application=application,
        meeting_on=last_week,
        members_present=4,
        votes_for=4,
        votes_against=0,
        votes_abstain=0,
    )
    assert earlier.seats == 6


def test_without_seats_or_members_no_vote_is_taken():
    Committee.objects.filter(slug=COMMITTEE_SLUG).update(seats=None)
    application, staff = at_committee()
    with pytest.raises(ValidationError) as refused:
        vote(staff, application, present=1, votes_for=1)
    assert refused.value.error_dict["members_present"][0].code == "no_seats"
    assert not CommitteeDecision.objects.exists()


def test_staff_may_leave_the_seats_empty_but_not_zero():
    _organization, _owner, _editor, staff = world()
    committee = selectors.the_committee()
    services.update_committee(actor=staff, committee=committee, seats=None)
    committee.refresh_from_db()
    assert committee.seats is None
    with pytest.raises(ValidationError) as refused:
        services.update_committee(actor=staff, committee=committee, seats=0)
    assert "seats" in refused.value.error_dict
    services.update_committee(actor=staff, committee=committee, name_ko="공유촉진위원회 (개편)")
    assert Committee.objects.get(slug=COMMITTEE_SLUG).name_ko == "공유촉진위원회 (개편)"


def test_the_database_refuses_zero_seats():
    committee = Committee.objects.get(slug=COMMITTEE_SLUG)
    with pytest.raises(IntegrityError), transaction.atomic():
        Committee.objects.filter(pk=committee.pk).update(seats=0)


def test_the_setup_page_links_the_committee_and_saves_empty_seats(client):
    _organization, _owner, _editor, staff = world()
    client.force_login(staff)
    committee = selectors.the_committee()
    page = client.get(reverse("designation:setup"))
    assert committee.get_absolute_url() in page.content.decode()
    response = client.post(
        reverse("designation:committee_edit"),
        {"name_ko": "공유촉진위원회", "name_en": "Sharing Promotion Committee", "seats": ""},
    )
    assert response.status_code == 302
    committee.refresh_from_db()
    assert committee.seats is None
    assert "재적위원 수 미지정" in client.get(reverse("designation:setup")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_committees_and_their_decisions_both_ways():
    application, staff = at_committee()
    decision = committee_votes(application, staff)
    executor = MigrationExecutor(connection)
    executor.migrate([("designation", "0005_committee_to_participation")])
    old_apps = executor.loader.project_state(
        [("designation", "0005_committee_to_participation")]
    ).apps
    Old = old_apps.get_model("designation", "Committee")
    OldDecision = old_apps.get_model("designation", "CommitteeDecision")
    restored = Old.objects.get(code=COMMITTEE_SLUG)
    assert restored.seats == 15 and restored.name_ko == "공유촉진위원회"
    assert OldDecision.objects.get(pk=decision.pk).committee_id == restored.pk
    Old.objects.create(
        code="older-committee", name="옛 위원회", name_ko="옛 위원회", name_en="Old", seats=7
    )
    OldDecision.objects.filter(pk=decision.pk).update(
        committee=Old.objects.get(code="older-committee")
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    moved = Committee.objects.get(slug="older-committee")
    assert (moved.name_ko, moved.name_en, moved.seats) == ("옛 위원회", "Old", 7)
    assert CommitteeDecision.objects.get(pk=decision.pk).committee == moved
