"""The review part's pages and API: who may see and do what (the permission matrix), blindness,
field errors, and bounded lists."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.programmes import permissions
from sharehub.programmes.models import ApplicationStatus, Conflict, ReviewAssignment
from sharehub.programmes.permissions import can_see_application
from sharehub.programmes.selectors import review as reads
from sharehub.programmes.services import review as services
from sharehub.programmes.views.review import application_extra

from .factories import applicant, open_call
from .test_review import assign, in_review, review, submitted

pytestmark = pytest.mark.django_db

API = "/api/v1/programmes"


@pytest.fixture
def world(user):
    """A call run by `staff`, an application in review with three reviewers: `undeclared`,
    `conflicted` (declared) and `scorer` (no conflict, a draft); another call's staff; the
    applicant's member and another organization's member; `user` is a citizen."""
    call = open_call()
    staff = UserFactory()
    call.staff.add(staff)
    other_call = open_call()
    other_staff = UserFactory()
    other_call.staff.add(other_staff)
    organization, member = applicant()
    _other_org, other_member = applicant()
    application = in_review(call, staff, organization=organization, title="공구 도서관 사업")
    undeclared, conflicted, scorer = (UserFactory() for _ in range(3))
    a_undeclared, a_conflicted, a_scorer = assign(
        staff, application, undeclared, conflicted, scorer
    )
    services.declare_conflict(
        actor=conflicted, assignment=a_conflicted, conflict=True, statement="가족 관계"
    )
    review(a_scorer, [4, 4, 4], submit=False, comment="비밀 초안 의견")
    return {
        "call": call,
        "staff": staff,
        "other_staff": other_staff,
        "member": member,
        "other_member": other_member,
        "citizen": user,
        "application": application,
        "undeclared": undeclared,
        "conflicted": conflicted,
        "scorer": scorer,
        "a_undeclared": a_undeclared,
        "a_conflicted": a_conflicted,
        "a_scorer": a_scorer,
    }


ROLES = [
    "anonymous",
    "citizen",
    "member",
    "other_member",
    "undeclared",
    "conflicted",
    "scorer",
    "staff",
    "other_staff",
]


def _login(client, world, role):
    if role != "anonymous":
        client.force_login(world[role])


def _url(name, **kwargs):
    with translation.override("ko"):
        return reverse(f"programmes:{name}", kwargs=kwargs)


# --- Pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_scorers_review_page_is_theirs_alone(client, world, role):
    _login(client, world, role)
    response = client.get(_url("review", pk=world["a_scorer"].pk))
    expected = {"anonymous": 302, "scorer": 200}.get(role, 404)
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_the_ranked_table_is_the_calls_staffs(client, world, role):
    _login(client, world, role)
    for name in ("table", "table_csv"):
        response = client.get(_url(name, slug=world["call"].slug))
        expected = {"anonymous": 302, "staff": 200}.get(role, 403)
        assert response.status_code == expected, name


@pytest.mark.parametrize("role", ROLES)
def test_only_the_calls_staff_screen_assign_and_send(client, world, role):
    _login(client, world, role)
    application = world["application"]
    posts = [
        ("start_review", {}),
        ("to_committee", {}),
        ("assign_reviewers", {"reviewers": [world["citizen"].pk]}),
        ("remove_reviewer", {}),
    ]
    for name, data in posts:
        kwargs = {"pk": application.pk}
        if name == "remove_reviewer":
            kwargs["assignment"] = world["a_undeclared"].pk
        response = client.post(_url(name, **kwargs), data)
        if role == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"]
        elif role == "staff":
            assert response.status_code == 302, name
        elif can_see_application(world[role], application):
            assert response.status_code == 403, (name, role)  # they see it, but do not run it
        else:
            assert response.status_code == 404, (name, role)  # not even its existence
    if role != "staff":
        assert ReviewAssignment.objects.filter(pk=world["a_undeclared"].pk).exists()
        assert not ReviewAssignment.objects.filter(reviewer=world["citizen"]).exists()


def test_before_declaring_the_reviewer_sees_the_title_not_the_application(client, world):
    client.force_login(world["undeclared"])
    page = client.get(_url("review", pk=world["a_undeclared"].pk)).content.decode()
    assert "공구 도서관 사업" in page
    assert world["application"].organization.name in page
    assert 'name="conflict"' in page
    assert "비밀 초안 의견" not in page
    assert _url("application", pk=world["application"].pk) not in page


def test_a_conflicted_reviewer_sees_nothing_more_and_cannot_score(client, world):
    client.force_login(world["conflicted"])
    page = client.get(_url("review", pk=world["a_conflicted"].pk)).content.decode()
    assert "이해충돌을 신고했으므로" in page or "You declared a conflict" in page
    assert 'name="score_' not in page
    criterion = world["call"].criteria.first()
    response = client.post(
        _url("review_scores", pk=world["a_conflicted"].pk), {f"score_{criterion.pk}": "3"}
    )
    assert response.status_code == 403
    assert not world["a_conflicted"].scores.exists()


def test_the_declaration_form_then_the_score_sheet(client, world):
    client.force_login(world["undeclared"])
    assignment = world["a_undeclared"]
    response = client.post(_url("review_conflict", pk=assignment.pk), {"conflict": "yes"})
    assert response.status_code == 422  # a conflict needs its statement
    assert 'class="errorlist' in response.content.decode()
    response = client.post(_url("review_conflict", pk=assignment.pk), {"conflict": "no"})
    assert response.status_code == 302
    page = client.get(_url("review", pk=assignment.pk)).content.decode()
    assert 'name="score_' in page
    criteria = reads.criteria_of(world["call"])
    bad = {f"score_{criteria[0].pk}": "9", "comment": "x"}
    response = client.post(_url("review_scores", pk=assignment.pk), bad)
    assert response.status_code == 422
    assert not assignment.scores.exists()
    # Submitting an incomplete sheet: the missing criteria are marked, the draft is kept.
    partial = {f"score_{criteria[0].pk}": "3", "submit": "1"}
    response = client.post(_url("review_scores", pk=assignment.pk), partial)
    assert response.status_code == 422
    assignment.refresh_from_db()
    assert assignment.submitted_at is None
    full = {f"score_{c.pk}": "3" for c in criteria} | {"submit": "1", "comment": "좋음"}
    response = client.post(_url("review_scores", pk=assignment.pk), full)
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None


def test_a_drafts_overall_comment_is_shown_again_and_kept_on_submission(client, world):
    """As a reviewer does it: save a draft with an overall comment, come back to the page, submit
    the form with what the page shows."""
    import re
    from html import unescape

    client.force_login(world["scorer"])
    assignment = world["a_scorer"]
    criteria = reads.criteria_of(world["call"])
    scores = {f"score_{c.pk}": "4" for c in criteria}
    draft = scores | {"save": "1", "comment": "종합 의견입니다"}
    assert client.post(_url("review_scores", pk=assignment.pk), draft).status_code == 302
    page = client.get(_url("review", pk=assignment.pk)).content.decode()
    shown = re.search(r'<textarea[^>]*name="comment"[^>]*>(.*?)</textarea>', page, re.S)
    assert shown and unescape(shown.group(1)).strip() == "종합 의견입니다"
    submitted = scores | {"submit": "1", "comment": unescape(shown.group(1)).strip()}
    assert client.post(_url("review_scores", pk=assignment.pk), submitted).status_code == 302
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None and assignment.comment == "종합 의견입니다"


def test_others_scores_show_only_after_ones_own_is_submitted(client, world):
    staff, scorer = world["staff"], world["scorer"]
    other = UserFactory()
    (theirs,) = assign(staff, world["application"], other)
    review(theirs, [1, 2, 1], comment="다른 심사위원의 공개되지 않은 의견")
    client.force_login(scorer)
    url = _url("review", pk=world["a_scorer"].pk)
    assert "다른 심사위원의 공개되지 않은 의견" not in client.get(url).content.decode()
    api = client.get(f"{API}/reviews/{world['a_scorer'].pk}").json()
    assert api["others"] is None
    services.submit_review(actor=scorer, assignment=world["a_scorer"])
    page = client.get(url).content.decode()
    assert "다른 심사위원의 공개되지 않은 의견" in page
    assert other.email not in page and other.display_name not in page
    api = client.get(f"{API}/reviews/{world['a_scorer'].pk}").json()
    assert [o["comment"] for o in api["others"]] == ["다른 심사위원의 공개되지 않은 의견"]


def test_the_applicants_see_nothing_of_the_review(client, world, rf):
    request = rf.get("/")
    request.user = world["member"]
    assert application_extra(request, world["application"]) == {}
    client.force_login(world["member"])
    response = client.get(_url("application", pk=world["application"].pk))
    if response.status_code == 200:
        page = response.content.decode()
        for person in ("undeclared", "conflicted", "scorer"):
            assert world[person].email not in page
        assert "비밀 초안 의견" not in page and "가족 관계" not in page


def test_the_staff_see_reviewers_conflicts_and_the_screening(client, world, rf):
    request = rf.get("/")
    request.user = world["staff"]
    part = application_extra(request, world["application"])["application_review"]
    assert part["staff"] and part["can_assign"] and not part["can_send"]
    conflicts = {a.reviewer_id: a.conflict for a in part["assignments"]}
    assert conflicts[world["conflicted"].pk] == Conflict.DECLARED
    request.user = world["scorer"]
    assert application_extra(request, world["application"])["application_review"] == {
        "staff": False,
        "assignment": world["a_scorer"],
    }


def test_screening_from_the_application_page(client, world):
    application = submitted(world["call"])
    client.force_login(world["staff"])
    response = client.post(_url("screen", pk=application.pk), {"decision": "ineligible"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED  # reasons are required
    client.post(_url("screen", pk=application.pk), {"decision": "ineligible", "reason": "기한"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INELIGIBLE
    client.post(_url("undo_screening", pk=application.pk), {"reason": "다시 검토"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_the_table_page_and_csv(client, world):
    staff = world["staff"]
    client.force_login(staff)
    services.submit_review(actor=world["scorer"], assignment=world["a_scorer"])
    page = client.get(_url("table", slug=world["call"].slug)).content.decode()
    assert "공구 도서관 사업" in page and "4.00" in page and "80.0" in page
    response = client.get(_url("table_csv", slug=world["call"].slug))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "공구 도서관 사업" in body and "4.00" in body
    assert client.get(_url("table", slug=world["call"].slug) + "?status=nope").status_code == 422
    bad = client.get(_url("table_csv", slug=world["call"].slug) + "?encoding=latin9")
    assert bad.status_code == 422


def test_the_reviewer_picker_searches_people_for_the_staff(client, world):
    url = _url("reviewer_choices")
    client.force_login(world["citizen"])
    assert client.get(url, {"q": "사람"}).status_code == 403
    client.force_login(world["staff"])
    found = client.get(url, {"q": world["scorer"].email[:6]}).json()
    assert str(world["scorer"].pk) in [row["value"] for row in found]
    assert client.get(url, {"q": "x"}).json() == []  # one letter finds nobody


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_table_and_reviews_pages_run_a_fixed_number_of_queries(client, world):
    staff, scorer = world["staff"], world["scorer"]
    client.force_login(staff)
    table = _url("table", slug=world["call"].slug)
    small_table = _count(client, table)
    client.force_login(scorer)
    small_list = _count(client, _url("reviews"))
    for _ in range(6):
        application = in_review(world["call"], staff)
        (assignment,) = assign(staff, application, scorer)
        review(assignment, [1, 2, 3])
    client.force_login(staff)
    assert _count(client, table) == small_table
    client.force_login(scorer)
    assert _count(client, _url("reviews")) == small_list


# --- API -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_api_review_reads_are_the_reviewers_own(client, world, role):
    _login(client, world, role)
    response = client.get(f"{API}/reviews/{world['a_scorer'].pk}")
    expected = {"anonymous": 401, "scorer": 200}.get(role, 404)
    assert response.status_code == expected
    listed = client.get(f"{API}/reviews")
    assert listed.status_code == (401 if role == "anonymous" else 200)
    if role == "scorer":
        assert [r["id"] for r in listed.json()["results"]] == [world["a_scorer"].pk]


@pytest.mark.parametrize("role", ROLES)
def test_api_staff_operations(client, world, role):
    _login(client, world, role)
    application = world["application"]
    table = client.get(f"{API}/calls/{world['call'].slug}/table")
    reviewers = client.get(f"{API}/applications/{application.pk}/reviewers")
    remove = client.delete(
        f"{API}/applications/{application.pk}/reviewers/{world['undeclared'].pk}"
    )
    if role == "anonymous":
        assert {table.status_code, reviewers.status_code, remove.status_code} == {401}
    elif role == "staff":
        assert (table.status_code, reviewers.status_code, remove.status_code) == (200, 200, 204)
    else:
        assert table.status_code == 403
        seen = can_see_application(world[role], application)
        assert reviewers.status_code == remove.status_code == (403 if seen else 404)
        assert ReviewAssignment.objects.filter(pk=world["a_undeclared"].pk).exists()


def test_api_undeclared_reviewer_sees_only_the_title(client, world):
    client.force_login(world["undeclared"])
    body = client.get(f"{API}/reviews/{world['a_undeclared'].pk}").json()
    assert body["application"]["title"] == "공구 도서관 사업"
    assert body["scores"] is None and body["comment"] is None and body["others"] is None


def test_api_conflict_scores_and_submit(client, world):
    client.force_login(world["undeclared"])
    path = f"{API}/reviews/{world['a_undeclared'].pk}"
    criteria = reads.criteria_of(world["call"])
    response = client.put(
        f"{path}/scores",
        json.dumps({"scores": [{"criterion": criteria[0].pk, "score": 3}]}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "conflict" in response.json()["errors"]
    response = client.post(
        f"{path}/conflict", json.dumps({"conflict": False}), content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["conflict"] == "none"
    response = client.put(
        f"{path}/scores",
        json.dumps({"scores": [{"criterion": criteria[0].pk, "score": 6}]}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [f"score_{criteria[0].pk}"]
    scores = [{"criterion": c.pk, "score": 5, "comment": "훌륭함"} for c in criteria]
    response = client.put(
        f"{path}/scores",
        json.dumps({"scores": scores, "comment": "전체"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert [s["score"] for s in response.json()["scores"]] == [5, 5, 5]
    response = client.post(f"{path}/submit")
    assert response.status_code == 200 and response.json()["submitted_at"]


def test_api_a_conflicted_reviewer_cannot_score(client, world):
    client.force_login(world["conflicted"])
    criteria = reads.criteria_of(world["call"])
    response = client.put(
        f"{API}/reviews/{world['a_conflicted'].pk}/scores",
        json.dumps({"scores": [{"criterion": criteria[0].pk, "score": 3}]}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert client.post(f"{API}/reviews/{world['a_conflicted'].pk}/submit").status_code == 403


def test_api_screening_and_assignment(client, world):
    application = submitted(world["call"])
    client.force_login(world["member"])
    response = client.post(
        f"{API}/applications/{application.pk}/screening",
        json.dumps({"eligible": True}),
        content_type="application/json",
    )
    assert response.status_code == 404  # another organization's application
    client.force_login(world["staff"])
    response = client.post(
        f"{API}/applications/{application.pk}/screening",
        json.dumps({"eligible": False}),
        content_type="application/json",
    )
    assert response.status_code == 422 and "reason" in response.json()["errors"]
    response = client.post(
        f"{API}/applications/{application.pk}/screening",
        json.dumps({"eligible": True}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "in_review"
    owner = application.organization.memberships.first().user
    response = client.post(
        f"{API}/applications/{application.pk}/reviewers",
        json.dumps({"reviewers": [owner.pk]}),
        content_type="application/json",
    )
    assert response.status_code == 422 and "reviewer" in response.json()["errors"]
    response = client.post(
        f"{API}/applications/{application.pk}/reviewers",
        json.dumps({"reviewers": [world["citizen"].pk]}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()[0]["reviewer"] == world["citizen"].pk


def test_api_table_values_and_filters(client, world):
    services.submit_review(actor=world["scorer"], assignment=world["a_scorer"])
    other = in_review(world["call"], world["staff"], title="다른 사업")
    client.force_login(world["staff"])
    body = client.get(f"{API}/calls/{world['call'].slug}/table").json()
    assert body["count"] == 2
    first, second = body["results"]
    assert (first["title"], first["rank"], first["weighted_mean"]) == ("공구 도서관 사업", 1, 4.0)
    assert first["weighted_percent"] == pytest.approx(80.0)
    assert (first["reviews_submitted"], first["reviews_assigned"], first["conflicts"]) == (1, 2, 1)
    assert second["id"] == other.pk and second["rank"] is None
    assert client.get(f"{API}/calls/{world['call'].slug}/table?status=bogus").status_code == 422
    free = world["call"].tracks.get(kind="free")
    body = client.get(f"{API}/calls/{world['call'].slug}/table?track={free.pk}").json()
    assert body["count"] == 0


def test_workspace_counts(world):
    assert reads.screening_count(world["staff"]) == 0
    submitted(world["call"])
    assert reads.screening_count(world["staff"]) == 1
    assert reads.screening_count(world["other_staff"]) == 0
    assert reads.pending_reviews_count(world["undeclared"]) == 1
    assert reads.pending_reviews_count(world["conflicted"]) == 0
    assert permissions.reviews_anything(world["conflicted"])
    assert not permissions.reviews_anything(world["citizen"])
    other_org, _owner = applicant()
    assert other_org  # applicants see no review work


def test_the_application_page_shows_the_staff_their_review_part(client, world):
    client.force_login(world["staff"])
    response = client.get(_url("application", pk=world["application"].pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert _url("assign_reviewers", pk=world["application"].pk) in page
    assert world["scorer"].email in page and "가족 관계" in page
    assert _url("table", slug=world["call"].slug) in page
    fresh = submitted(world["call"])
    page = client.get(_url("application", pk=fresh.pk)).content.decode()
    assert _url("screen", pk=fresh.pk) in page
    client.force_login(world["scorer"])
    page = client.get(_url("application", pk=world["application"].pk)).content.decode()
    assert _url("review", pk=world["a_scorer"].pk) in page
    assert "가족 관계" not in page
