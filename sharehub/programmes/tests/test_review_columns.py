"""The application's review columns (reviews_submitted, review_points, review_mean) stay equal to
a recomputation from the scores, and the ranked table reads them."""

from __future__ import annotations

import pytest

from sharehub.accounts.tests.factories import UserFactory
from sharehub.programmes.models import Application, ReviewAssignment, ReviewScore
from sharehub.programmes.selectors import review as reads
from sharehub.programmes.services import review as services

from .test_review import assign, call, in_review, review, runner  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def recomputed(application: Application) -> tuple[int, int, float | None]:
    """From the scores, in Python: the submitted reviews, Σ weight × score, their mean / 100."""
    totals = []
    for assignment in ReviewAssignment.objects.filter(
        application=application, submitted_at__isnull=False
    ):
        scores = ReviewScore.objects.filter(assignment=assignment).select_related("criterion")
        totals.append(sum(s.criterion.weight * s.score for s in scores))
    mean = sum(totals) / len(totals) / 100 if totals else None
    return len(totals), sum(totals), mean


def columns(application: Application) -> tuple[int, int, float | None]:
    application.refresh_from_db()
    return application.reviews_submitted, application.review_points, application.review_mean


def check(application: Application) -> None:
    count, points, mean = columns(application)
    expected = recomputed(application)
    assert (count, points) == expected[:2]
    assert mean == (pytest.approx(expected[2]) if expected[2] is not None else None)


def test_the_columns_follow_submit_reopen_and_resubmit(call, runner):  # noqa: F811
    people = [UserFactory() for _ in range(3)]
    application = in_review(call, runner)
    first, second, third = assign(runner, application, *people)
    assert columns(application) == (0, 0, None)
    review(first, [5, 4, 3])  # weights 30/25/45: 385
    check(application)
    assert columns(application) == (1, 385, pytest.approx(3.85))
    review(second, [3, 3, 3])  # 300
    review(third, [1, 1, 1], submit=False)  # a draft does not count
    check(application)
    assert columns(application) == (2, 685, pytest.approx(3.425))
    services.reopen_review(actor=runner, assignment=second, reason="잘못 입력")
    check(application)
    assert columns(application) == (1, 385, pytest.approx(3.85))
    second.refresh_from_db()
    review(second, [5, 5, 5])  # 500
    check(application)
    assert columns(application) == (2, 885, pytest.approx(4.425))
    services.reopen_review(actor=runner, assignment=first, reason="다시")
    services.reopen_review(actor=runner, assignment=second, reason="다시")
    assert columns(application) == (0, 0, None)


def test_the_table_reads_the_columns_in_order(call, runner):  # noqa: F811
    people = [UserFactory() for _ in range(2)]
    a = in_review(call, runner, title="A")
    b = in_review(call, runner, title="B")
    c = in_review(call, runner, title="C")
    a1, a2 = assign(runner, a, *people)
    (b1,) = assign(runner, b, people[0])
    review(a1, [5, 4, 3])
    review(a2, [3, 3, 3], submit=False)
    review(b1, [2, 2, 2])
    table = reads.table_rows(list(reads.ranked(reads.table_applications(call))))
    assert [row["application"].title for row in table] == ["A", "B", "C"]
    assert [row["points"] for row in table] == [385, 200, 0]
    assert [row["mean"] for row in table] == [pytest.approx(3.85), pytest.approx(2.0), None]
    # A recount of the whole call (as after a change of weights) finds nothing to change,
    # and repairs a column written behind the services' back.
    assert services.refresh_call_review_figures(call) == 0
    Application.objects.filter(pk=c.pk).update(review_mean=4.9, reviews_submitted=1)
    assert services.refresh_call_review_figures(call) == 1
    for application in (a, b, c):
        check(application)
    assert reads.application_mean(a) == (pytest.approx(3.85), 1)


@pytest.mark.django_db
def test_ranked_table_has_its_order_as_an_index_on_postgresql():
    """PostgreSQL reads the ranked table's first page from an index in the table's own order
    (migration 0002), instead of sorting all of a call's applications."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite cannot index NULLS LAST; the migration does nothing there")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'programmes_application_ranked'"
        )
        (definition,) = cursor.fetchone()
    assert "review_mean DESC NULLS LAST, receipt_number, id" in definition
