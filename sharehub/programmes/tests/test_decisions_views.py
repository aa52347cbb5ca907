"""The decisions part's pages (in Korean): the staff's committee vote and decision, the
application page's section for staff and for the applicant, the queue before the committee, and
every forbidden path (anonymous, citizen, the applicant's member, a reviewer, a conflicted
reviewer, another call's staff)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.workspace import work_for
from sharehub.programmes.models import ApplicationStatus, Award, Call, CommitteeDecision, Conflict
from sharehub.programmes.services import decisions as services

from .factories import MILLION, open_call, staff_user
from .test_decisions import at_committee, vote

pytestmark = pytest.mark.django_db


def _url(name: str, *args) -> str:
    with translation.override("ko"):
        return reverse(f"programmes:{name}", args=args)


@pytest.fixture
def staff():
    return staff_user()


@pytest.fixture
def call():
    return open_call(budget=100 * MILLION, cap=30 * MILLION)


def _vote_form(**values) -> dict:
    data = {
        "meeting_on": timezone.localdate().isoformat(),
        "members_present": 10,
        "votes_for": 8,
        "votes_against": 1,
        "votes_abstain": 1,
        "attendees": "김위원, 이위원",
        "note": "",
        **values,
    }
    return {f"vote-{key}": value for key, value in data.items()}


def _decision_form(**values) -> dict:
    return {f"decision-{key}": value for key, value in values.items()}


def test_staff_record_the_vote_then_award(client, staff, call):
    application = at_committee(call)
    client.force_login(staff)
    page = client.get(_url("decide", application.pk))
    assert page.status_code == 200 and 'lang="ko"' in page.text
    html = page.text
    assert "30,000,000" in html and "100,000,000" in html  # the cap and the budget left
    assert 'name="vote-meeting_on"' in html and 'name="decision-outcome"' in html

    no_quorum = client.post(_url("committee", application.pk), _vote_form(members_present=3))
    assert no_quorum.status_code == 400 and "errorlist" in no_quorum.text
    assert not CommitteeDecision.objects.exists()
    recorded = client.post(_url("committee", application.pk), _vote_form())
    assert recorded.status_code == 302 and recorded["Location"] == _url("decide", application.pk)
    assert CommitteeDecision.objects.get().outcome == "approved"

    over = client.post(
        _url("decide", application.pk), _decision_form(outcome="awarded", amount=31 * MILLION)
    )
    assert over.status_code == 400 and "30,000,000" in over.text
    assert not Award.objects.exists()
    done = client.post(
        _url("decide", application.pk),
        _decision_form(outcome="awarded", amount=25 * MILLION, reason="우수 사업"),
    )
    assert done.status_code == 302
    assert Award.objects.get().amount == 25 * MILLION
    after = client.get(_url("decide", application.pk))
    assert "25,000,000" in after.text and 'name="decision-outcome"' not in after.text
    assert 'name="reduce-amount"' in after.text


def test_the_budget_error_names_what_is_left(client, staff):
    call = open_call(budget=40 * MILLION, cap=30 * MILLION)
    first, second = at_committee(call), at_committee(call)
    for application in (first, second):
        vote(staff, application)
    services.decide(actor=staff, application=first, outcome="awarded", amount=30 * MILLION)
    client.force_login(staff)
    over = client.post(
        _url("decide", second.pk), _decision_form(outcome="awarded", amount=20 * MILLION)
    )
    assert over.status_code == 400 and "10,000,000" in over.text


def test_reject_needs_reasons_on_the_page(client, staff, call):
    application = at_committee(call)
    client.force_login(staff)
    missing = client.post(_url("decide", application.pk), _decision_form(outcome="rejected"))
    assert missing.status_code == 400
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COMMITTEE
    done = client.post(
        _url("decide", application.pk), _decision_form(outcome="rejected", reason="효과 부족")
    )
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED


def test_lower_an_award_on_the_page(client, staff, call):
    application = at_committee(call)
    vote(staff, application)
    services.decide(actor=staff, application=application, outcome="awarded", amount=20 * MILLION)
    client.force_login(staff)
    url = _url("reduce_award", application.pk)
    assert (
        client.post(url, {"reduce-amount": 25 * MILLION, "reduce-reason": "x"}).status_code == 400
    )
    done = client.post(url, {"reduce-amount": 15 * MILLION, "reduce-reason": "사업 축소"})
    assert done.status_code == 302
    assert Call.objects.get(pk=call.pk).awarded_total == 15 * MILLION


def test_forbidden_paths(client, call, user):
    application = at_committee(call)
    reviewer, conflicted, other_staff = UserFactory(), UserFactory(), UserFactory()
    application.assignments.create(reviewer=reviewer, conflict=Conflict.NONE)
    application.assignments.create(reviewer=conflicted, conflict=Conflict.DECLARED)
    open_call().staff.add(other_staff)
    urls = [_url("decide", application.pk), _url("committee", application.pk)]
    bodies = [_decision_form(outcome="rejected", reason="x"), _vote_form()]
    for url, body in zip(urls, bodies, strict=True):
        assert client.get(url).status_code == 302  # to the login page
        assert client.post(url, body).status_code == 302
        for person, status in (
            (user, 404),
            (conflicted, 404),
            (other_staff, 404),
            (application.owner, 403),
            (reviewer, 403),
        ):
            client.force_login(person)
            assert client.get(url).status_code == status, (url, person)
            assert client.post(url, body).status_code == status, (url, person)
        client.logout()
    assert not CommitteeDecision.objects.exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COMMITTEE
    missing = _url("decide", 999999)
    client.force_login(staff_user())
    assert client.get(missing).status_code == 404


def test_the_application_page_shows_staff_the_votes_and_the_applicant_the_decision(
    client, staff, call
):
    application = at_committee(call)
    vote(staff, application)
    client.force_login(staff)
    page = client.get(_url("application", application.pk))
    assert page.status_code == 200
    assert 'name="vote-meeting_on"' in page.text and "김위원" in page.text

    client.force_login(application.owner)
    before = client.get(_url("application", application.pk))
    assert 'name="vote-meeting_on"' not in before.text and "김위원" not in before.text

    services.decide(
        actor=staff,
        application=application,
        outcome="awarded",
        amount=12_345_000,
        reason="지역 효과 우수",
    )
    after = client.get(_url("application", application.pk))
    assert after.status_code == 200
    assert "12,345,000" in after.text and "지역 효과 우수" in after.text
    assert "김위원" not in after.text and "회의록" not in after.text
    assert 'name="decision-outcome"' not in after.text


def test_the_queue_before_the_committee(client, staff, call, user, django_assert_max_num_queries):
    first = at_committee(call, title="첫 번째 사업")
    at_committee(call, title="두 번째 사업")
    vote(staff, first)
    at_committee(open_call(), title="다른 공모 사업")
    client.force_login(staff)
    with django_assert_max_num_queries(20):
        page = client.get(_url("committee_queue"))
    assert page.status_code == 200
    assert "첫 번째 사업" in page.text and "다른 공모 사업" in page.text
    for _ in range(10):
        at_committee(call)
    with django_assert_max_num_queries(20):
        assert client.get(_url("committee_queue")).status_code == 200

    # A call's own staff see that call's only.
    own = UserFactory()
    call.staff.add(own)
    client.force_login(own)
    mine = client.get(_url("committee_queue"))
    assert "첫 번째 사업" in mine.text and "다른 공모 사업" not in mine.text
    client.force_login(user)
    assert client.get(_url("committee_queue")).status_code == 403
    client.logout()
    assert client.get(_url("committee_queue")).status_code == 302


def test_the_workspace_counts_applications_before_the_committee(staff, call, user):
    at_committee(call)
    at_committee(call, status=ApplicationStatus.IN_REVIEW)
    queues, _tools = work_for(staff)
    entry = next(link for link in queues if link.name == "programmes.committee")
    assert entry.count == 1
    queues, _tools = work_for(user)
    assert all(link.name != "programmes.committee" for link in queues)


def test_the_call_page_lists_its_awards(client, staff, call):
    page = client.get(call.get_absolute_url())
    assert page.status_code == 200 and "awards-heading" not in page.text
    application = at_committee(call, title="마을 공구함")
    vote(staff, application)
    services.decide(actor=staff, application=application, outcome="awarded", amount=20 * MILLION)
    client.logout()
    with translation.override("ko"):
        page = client.get(call.get_absolute_url())
    assert page.status_code == 200
    assert "마을 공구함" in page.text and "20,000,000" in page.text
    assert "80,000,000" in page.text  # the budget left


def test_one_meetings_votes_on_several_applications(client, staff, call, user):
    first, second = at_committee(call, title="첫 사업"), at_committee(call, title="둘째 사업")
    with translation.override("ko"):
        url = reverse("programmes:committee_meeting", kwargs={"slug": call.slug})
    client.force_login(staff)
    queue = client.get(_url("committee_queue"))
    assert url in queue.text
    page = client.get(url)
    assert page.status_code == 200 and "첫 사업" in page.text
    base = {"meeting_on": timezone.localdate().isoformat(), "attendees": "김위원"}
    assert client.post(url, base).status_code == 400  # no application chosen
    missing = client.post(url, {**base, f"include_{first.pk}": "on"})
    assert missing.status_code == 400 and not CommitteeDecision.objects.exists()
    rows = {}
    for application, votes_for in ((first, 8), (second, 3)):
        rows |= {
            f"include_{application.pk}": "on",
            f"members_present_{application.pk}": 10,
            f"votes_for_{application.pk}": votes_for,
            f"votes_against_{application.pk}": 10 - votes_for,
            f"votes_abstain_{application.pk}": 0,
        }
    no_quorum = client.post(url, {**base, **rows, f"members_present_{second.pk}": 3})
    assert no_quorum.status_code == 400 and not CommitteeDecision.objects.exists()
    done = client.post(url, {**base, **rows})
    assert done.status_code == 302
    outcomes = dict(CommitteeDecision.objects.values_list("application_id", "outcome"))
    assert outcomes == {first.pk: "approved", second.pk: "not_approved"}
    client.force_login(user)
    assert client.get(url).status_code == 403
    assert client.post(url, {**base, **rows}).status_code == 403
    assert CommitteeDecision.objects.count() == 2
