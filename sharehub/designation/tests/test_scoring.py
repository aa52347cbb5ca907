"""The review engine's score sheet (designation.scoring), which designation's sheet and the
support programmes' reviews both apply: checks, writes, completeness and weighted totals."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sharehub.designation import scoring

SHEET = {"plan": scoring.Line(maximum=5, weight=30), "impact": scoring.Line(maximum=5, weight=70)}


def test_check_accepts_scores_within_each_lines_range_and_clearing():
    scoring.check(SHEET, {"plan": 0, "impact": 5}, field=str, unknown="?")
    scoring.check(SHEET, {"plan": None}, field=str, unknown="?")


def test_check_reports_every_bad_score_on_its_own_field():
    with pytest.raises(ValidationError) as caught:
        scoring.check(
            SHEET,
            {"plan": 6, "impact": -1},
            field=lambda key: f"score_{key}",
            unknown="?",
        )
    errors = caught.value.message_dict
    assert set(errors) == {"score_plan", "score_impact"}
    assert "5" in errors["score_plan"][0]
    # Not whole numbers (a bool is an int to Python, never a score).
    for bad in (True, 2.5, "3"):
        with pytest.raises(ValidationError):
            scoring.check(SHEET, {"plan": bad}, field=str, unknown="?")


def test_check_refuses_a_criterion_not_on_the_sheet():
    with pytest.raises(ValidationError) as caught:
        scoring.check(SHEET, {"budget": 3}, field=str, unknown="Not this sheet's.")
    assert caught.value.message_dict == {"scores": ["Not this sheet's."]}


def test_write_creates_changes_and_clears_only_what_differs():
    existing = {"plan": ["plan", 3], "impact": ["impact", 4]}
    created, changed, cleared = [], [], []

    def change(score, value):
        changed.append((score[0], value))

    changes = scoring.write(
        {"plan": 3, "impact": None, "reach": 2},
        existing,
        unchanged=lambda score, value: score[1] == value,
        create=lambda key, value: created.append((key, value)),
        change=change,
        clear=lambda score: cleared.append(score[0]),
    )
    assert changes == {"impact": None, "reach": 2}
    assert created == [("reach", 2)] and cleared == ["impact"] and changed == []
    changes = scoring.write(
        {"plan": 5},
        existing,
        unchanged=lambda score, value: score[1] == value,
        create=lambda key, value: created.append((key, value)),
        change=change,
        clear=lambda score: cleared.append(score[0]),
    )
    assert changes == {"plan": 5} and changed == [("plan", 5)]


def test_missing_keeps_the_sheets_order_and_totals_are_weighted():
    assert scoring.missing(["plan", "impact", "reach"], ["impact"]) == ["plan", "reach"]
    assert scoring.missing(SHEET, ["plan", "impact"]) == []
    assert scoring.total(SHEET, {"plan": 4, "impact": 5}) == 30 * 4 + 70 * 5
    assert scoring.maximum_total(SHEET.values()) == 500
    # Designation's sheet: points up to each criterion's maximum, weight 1.
    points = {"org": scoring.Line(maximum=20), "value": scoring.Line(maximum=30)}
    assert scoring.total(points, {"org": 15, "value": 30}) == 45
    assert scoring.maximum_total(points.values()) == 50
