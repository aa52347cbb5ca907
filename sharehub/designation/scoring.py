"""The score sheet, one for every review the city runs: designation's sheet (city staff give each
criterion its points, up to the criterion's maximum) and a support programme's reviews (each
reviewer scores each criterion 0–5, weighted). With the committee step (`committee_votes.py`)
this is the review engine both apply; DESIGN §4i.

A sheet is its lines: for each criterion, the highest score and the weight it counts with in the
total. A scorer's entries are checked all together (an error beside each bad one, nothing written
if one is bad), then written as a set of changes: a new score, a changed one, a cleared one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sharehub.core.forms import field_error


@dataclass(frozen=True, slots=True)
class Line:
    """One criterion of a sheet: scores run from 0 to `maximum`, and count `weight` times in the
    total (designation: its points, weight 1; a programme: 0–5, its weight in %)."""

    maximum: int
    weight: int = 1


def check[K](
    lines: Mapping[K, Line],
    scores: Mapping[K, int | None],
    *,
    field: Callable[[K], str],
    unknown: str,
) -> None:
    """Refuse the entries unless every key is a line of the sheet (`unknown`: the message) and
    every score a whole number from 0 to its line's maximum (None clears a score): one error per
    bad entry, on its own field."""
    if set(scores) - set(lines):
        raise field_error("scores", unknown, code="unknown_criterion")
    errors: dict[str, list[ValidationError]] = {}
    for key, value in scores.items():
        maximum = lines[key].maximum
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum
        ):
            errors[field(key)] = [
                ValidationError(
                    _("Give a score from 0 to %(max)s.") % {"max": maximum}, code="range"
                )
            ]
    if errors:
        raise ValidationError(errors)


def write[K, S, E](
    entries: Mapping[K, E | None],
    existing: Mapping[K, S],
    *,
    unchanged: Callable[[S, E], bool],
    create: Callable[[K, E], object],
    change: Callable[[S, E], object],
    clear: Callable[[S], object],
) -> dict[K, E | None]:
    """Apply checked entries (a score, or a score with its comment; None clears) to the scores
    already given (`existing`, by key): create, change or clear each one that differs. Returns
    what changed (key → entry, None when cleared), for the caller's audit entry."""
    changes: dict[K, E | None] = {}
    for key, entry in entries.items():
        score = existing.get(key)
        if entry is None:
            if score is not None:
                clear(score)
                changes[key] = None
        elif score is None:
            create(key, entry)
            changes[key] = entry
        elif not unchanged(score, entry):
            change(score, entry)
            changes[key] = entry
    return changes


def missing[K](lines: Iterable[K], scored: Iterable[K]) -> list[K]:
    """The lines without a score, in the sheet's order (a sheet is complete when none)."""
    given = set(scored)
    return [key for key in lines if key not in given]


def total[K](lines: Mapping[K, Line], scores: Mapping[K, int]) -> int:
    """Σ weight × score over the scored lines."""
    return sum(lines[key].weight * value for key, value in scores.items() if key in lines)


def maximum_total(lines: Iterable[Line]) -> int:
    """The total of a sheet with every line at its maximum."""
    return sum(line.weight * line.maximum for line in lines)
