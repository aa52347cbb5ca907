"""The `programmes.` audit entries in words (history.py), and the reviews waiting on "My
applications"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.audit import describe
from sharehub.core.models import AuditEntry
from sharehub.programmes import history
from sharehub.programmes.views import review as review_views

from .test_review import assign, call, in_review, review, runner  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
SERVICES = Path(history.__file__).parent / "services"


def _entry(action: str, **data) -> AuditEntry:
    return AuditEntry(action=action, data=data)


def test_every_logged_action_is_described():
    """Every `programmes.` action the review, calls and reports services write (static names
    read from their source, dynamic ones listed) reads as words, not as the stored action."""
    source = {p.stem: p.read_text() for p in SERVICES.glob("*.py")}
    actions = {"programmes." + n for n in re.findall(r'ACTION \+ "([a-z_]+)"', source["review"])}
    actions |= {
        "programmes.call_" + n for n in re.findall(r'ACTION \+ "([a-z_]+)"', source["calls"])
    }
    actions |= {
        "programmes." + n
        for n in (
            "conflict_declared",
            "no_conflict_declared",
            "screened_eligible",
            "screened_ineligible",
            "call_tracks",
            "call_fields",
            "call_criteria",
            "report_submitted",
            "report_resubmitted",
            "report_accepted",
            "report_changes_requested",
            "report_reminded_due_soon",
            "report_reminded_overdue",
        )
    }
    assert actions == {"programmes." + name for name in history._texts()}
    for action in actions:
        assert describe(_entry(action)) != action, action
    with translation.override("en"):
        assert describe(_entry("programmes.review_submitted")) == "A review was submitted."
        automatic = describe(_entry("programmes.to_committee", automatic=True))
        assert automatic.startswith("Every review was in")
        assert describe(_entry("programmes.call_publish")) == "Someone published the call."
        # An action no one knows yet is shown as stored, never a 500.
        assert describe(_entry("programmes.brand_new")) == "programmes.brand_new"


def test_a_reviewer_is_never_named():
    person = UserFactory(display_name="숨은 심사위원")
    entry = AuditEntry(action="programmes.review_submitted", actor=person, data={})
    assert "숨은" not in describe(entry)


def test_my_applications_lists_the_reviews_waiting(client, call, runner):  # noqa: F811
    reviewer = UserFactory()
    first = in_review(call, runner, title="첫 신청")
    second = in_review(call, runner, title="둘째 신청")
    (waiting,) = assign(runner, first, reviewer)
    (done,) = assign(runner, second, reviewer)
    review(done, [3, 3, 3])
    client.force_login(reviewer)
    response = client.get(reverse("programmes:mine"), HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("programmes:review", kwargs={"pk": waiting.pk}) in page
    assert "첫 신청" in page and "둘째 신청" not in page


def test_mine_extra_is_bounded(rf, call, runner, django_assert_max_num_queries):  # noqa: F811
    reviewer = UserFactory()
    for n in range(review_views.MINE_REVIEWS + 2):
        assign(runner, in_review(call, runner, title=f"신청 {n}"), reviewer)
    request = rf.get("/")
    request.user = reviewer
    with django_assert_max_num_queries(2):
        found = review_views.mine_extra(request)["mine_review"]
    assert len(found["assignments"]) == review_views.MINE_REVIEWS
    assert found["count"] == review_views.MINE_REVIEWS + 2
    other = rf.get("/")
    other.user = UserFactory()
    assert review_views.mine_extra(other) == {}
