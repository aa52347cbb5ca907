"""The district scoreboard's writes: city staff define a draft scoring (its details, criteria and
tiers saved together, all or nothing), delete a draft, and publish it.

A refused row is named by its key `<rows>-<index>-<field>` (`criteria-1-weight`,
`tiers-0-prize`), the names a formset gives its inputs, so the page shows each message beside its
input and the API names the row. Criteria and tiers are replaced as a whole: nothing points at
them (a published ranking keeps its own copy in `Scoring.rules`).

Publishing runs under the scoring's row lock: two staff publishing at once write one ranking,
the second is told it is already published. It copies the rules into `Scoring.rules` and each
district's result into a `RankingEntry`; a published scoring is frozen (no edit, no delete).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sharehub.accounts.models import User
from sharehub.accounts.roles import signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.forms import field_error
from sharehub.core.locking import lock
from sharehub.core.rows import RowErrors
from sharehub.core.slugs import short_slug
from sharehub.opendata.models import (
    Normalisation,
    RankingEntry,
    Scoring,
    ScoringCriterion,
    ScoringStatus,
    ScoringTier,
)
from sharehub.opendata.permissions import runs_open_data
from sharehub.opendata.selectors import scoreboard as selectors

ACTION = "opendata.scoring_"
MAX_ROWS = 30
MAX_PRIZE = 10**15  # a bound every backend's integers hold
MAX_TARGET = Decimal("9999999999999999")  # max_digits=20, decimal_places=4
SCORING_FIELDS = (
    "title_ko",
    "title_en",
    "description_ko",
    "description_en",
    "period_start",
    "period_end",
    "relative_share",
    "previous",
)
RESERVED_SLUGS = frozenset({"new"})


@dataclass(frozen=True)
class CriterionRow:
    indicator: str
    weight: int
    normalisation: str = Normalisation.NONE
    target: Decimal | None = None


@dataclass(frozen=True)
class TierRow:
    name_ko: str
    districts: int
    prize: int = 0
    name_en: str = ""


def _require_staff(actor: Actor) -> User:
    user = signed_in_user(actor)
    if not runs_open_data(user):
        raise PermissionDenied(_("Only city staff may do this."))
    return user


def _refuse_published(scoring: Scoring) -> None:
    if scoring.is_published:
        raise ValidationError(
            _("This scoring is published: its rules and ranking are frozen."), code="frozen"
        )


# --- checks ----------------------------------------------------------------------------------


def _int_in(value: object, low: int, high: int) -> bool:
    # bool is an int in Python but never a count.
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _check_fields(scoring: Scoring) -> dict[str, list[ValidationError]]:
    errors: dict[str, list[ValidationError]] = {}

    def refuse(name: str, message: str, code: str) -> None:
        errors.setdefault(name, []).append(ValidationError(message, code=code))

    if not (scoring.title_ko or "").strip():
        refuse("title_ko", _("Give the scoring a title in Korean."), "required")
    for name in ("title_ko", "title_en"):
        if len(getattr(scoring, name) or "") > 200:
            refuse(name, _("At most %(count)s characters.") % {"count": 200}, "max_length")
    for name in ("description_ko", "description_en"):
        if len(getattr(scoring, name) or "") > 5000:
            refuse(name, _("At most %(count)s characters.") % {"count": 5000}, "max_length")
    start, end = scoring.period_start, scoring.period_end
    if not isinstance(start, date):
        refuse("period_start", _("Say when the period starts."), "required")
    if not isinstance(end, date):
        refuse("period_end", _("Say when the period ends."), "required")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        refuse("period_end", _("The period cannot end before it starts."), "order")
    share = scoring.relative_share
    if not isinstance(share, int) or isinstance(share, bool) or not 0 <= share <= 100:
        refuse("relative_share", _("From 0 to 100."), "range")
    previous = scoring.previous
    if previous is not None:
        if not previous.is_published or previous.pk == scoring.pk:
            refuse("previous", _("Compare with a published scoring."), "invalid")
        elif isinstance(start, date) and previous.period_end >= start:
            refuse(
                "previous",
                _("The scoring compared with must end before this one's period starts."),
                "order",
            )
    return errors


def _check_criteria(rows: Sequence[CriterionRow], errors: RowErrors) -> None:
    if len(rows) > MAX_ROWS:
        errors.add(None, "", _("At most %(count)s rows.") % {"count": MAX_ROWS}, "max")
        return
    seen: set[tuple[str, str]] = set()
    for i, row in enumerate(rows):
        code = (row.indicator or "").strip()
        if not code:
            errors.add(i, "indicator", _("Choose an indicator."), "required")
        elif selectors.describe_indicator(code) is None:
            errors.add(
                i, "indicator", _("There is no indicator “%(code)s”.") % {"code": code}, "unknown"
            )
        if not _int_in(row.weight, 1, 100):
            errors.add(i, "weight", _("From 1 to 100."), "range")
        if row.normalisation not in Normalisation.values:
            errors.add(i, "normalisation", _("Choose a normalisation from the list."), "invalid")
        target = row.target
        if target is not None and (
            not isinstance(target, Decimal)
            or not target.is_finite()
            or target <= 0
            or target > MAX_TARGET
        ):
            errors.add(
                i, "target", _("A number greater than 0, or empty for no target."), "invalid"
            )
        elif target is not None and target.as_tuple().exponent < -4:  # type: ignore[operator]
            errors.add(i, "target", _("At most 4 decimals."), "decimals")
        key = (code, row.normalisation)
        if code and key in seen:
            errors.add(
                i,
                "indicator",
                _("This indicator is already a criterion with the same normalisation."),
                "duplicate",
            )
        seen.add(key)


def _check_tiers(rows: Sequence[TierRow], errors: RowErrors) -> None:
    if len(rows) > MAX_ROWS:
        errors.add(None, "", _("At most %(count)s rows.") % {"count": MAX_ROWS}, "max")
        return
    for i, row in enumerate(rows):
        if not (row.name_ko or "").strip():
            errors.add(i, "name_ko", _("Name the tier in Korean."), "required")
        for name in ("name_ko", "name_en"):
            if len((getattr(row, name) or "").strip()) > 80:
                errors.add(
                    i, name, _("At most %(count)s characters.") % {"count": 80}, "max_length"
                )
        if not _int_in(row.districts, 1, 100):
            errors.add(i, "districts", _("From 1 to 100."), "range")
        if not _int_in(row.prize, 0, MAX_PRIZE):
            errors.add(i, "prize", _("An amount in won, 0 or more."), "invalid")


def _check_slug(slug: str) -> None:
    if slug in RESERVED_SLUGS or slug != slugify(slug) or len(slug) > 80:
        raise field_error(
            "slug", _("Use lower-case letters, digits and hyphens only."), code="invalid"
        )


def _free_slug(base: str) -> str:
    base = (base or "scoring")[:70].strip("-") or "scoring"
    if base in RESERVED_SLUGS:
        base = f"{base}-scoring"
    taken = set(Scoring.objects.filter(slug__startswith=base).values_list("slug", flat=True)[:1000])
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply(scoring: Scoring, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(SCORING_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if name == "title_en" or name.startswith("description"):
            value = value or ""
        setattr(scoring, name, value)


def _validate_all(
    scoring: Scoring,
    criteria: Sequence[CriterionRow] | None,
    tiers: Sequence[TierRow] | None,
) -> None:
    """Every error at once: the details' by field, the rows' by `<rows>-<index>-<field>`."""
    errors = _check_fields(scoring)
    criteria_errors, tier_errors = RowErrors("criteria"), RowErrors("tiers")
    if criteria is not None:
        _check_criteria(criteria, criteria_errors)
    if tiers is not None:
        _check_tiers(tiers, tier_errors)
    for found in (criteria_errors.errors, tier_errors.errors):
        for key, messages in found.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _replace_rows(
    scoring: Scoring,
    criteria: Sequence[CriterionRow] | None,
    tiers: Sequence[TierRow] | None,
) -> None:
    if criteria is not None:
        ScoringCriterion.objects.filter(scoring=scoring).delete()
        ScoringCriterion.objects.bulk_create(
            ScoringCriterion(
                scoring=scoring,
                position=position,
                indicator=row.indicator.strip(),
                weight=row.weight,
                normalisation=row.normalisation,
                target=row.target,
            )
            for position, row in enumerate(criteria, start=1)
        )
    if tiers is not None:
        ScoringTier.objects.filter(scoring=scoring).delete()
        ScoringTier.objects.bulk_create(
            ScoringTier(
                scoring=scoring,
                position=position,
                name_ko=row.name_ko.strip(),
                name_en=(row.name_en or "").strip(),
                districts=row.districts,
                prize=row.prize,
            )
            for position, row in enumerate(tiers, start=1)
        )


# --- the services ----------------------------------------------------------------------------


def create_scoring(
    *,
    actor: Actor,
    slug: str = "",
    criteria: Sequence[CriterionRow] = (),
    tiers: Sequence[TierRow] = (),
    **fields: Any,
) -> Scoring:
    """City staff add a draft scoring with its criteria and tiers, all or nothing. `slug` empty:
    made from the English (else the romanized Korean) title."""
    slug = (slug or "").strip().lower()
    with transaction.atomic():
        user = _require_staff(actor)
        scoring = Scoring(relative_share=50)
        _apply(scoring, fields)
        if slug:
            _check_slug(slug)
        _validate_all(scoring, criteria, tiers)
        scoring.slug = slug or _free_slug(
            short_slug(scoring.title_en, scoring.title_ko, max_length=60)
        )
        try:
            with transaction.atomic():
                scoring.save()
        except IntegrityError as error:
            raise field_error(
                "slug", _("Another scoring has this address name."), code="unique"
            ) from error
        _replace_rows(scoring, criteria, tiers)
        log_action(
            actor=user, action=ACTION + "create", target=scoring, data={"slug": scoring.slug}
        )
    return scoring


def update_scoring(
    *,
    actor: Actor,
    scoring: Scoring,
    criteria: Sequence[CriterionRow] | None = None,
    tiers: Sequence[TierRow] | None = None,
    **fields: Any,
) -> Scoring:
    """City staff change a draft: the details given, and each list of rows given replaces its
    rows; all or nothing. A published scoring is refused."""
    with transaction.atomic():
        user = _require_staff(actor)
        scoring = lock(scoring)
        _refuse_published(scoring)
        _apply(scoring, fields)
        _validate_all(scoring, criteria, tiers)
        scoring.updated_at = timezone.now()
        scoring.save()
        _replace_rows(scoring, criteria, tiers)
        log_action(actor=user, action=ACTION + "update", target=scoring)
    return scoring


def delete_scoring(*, actor: Actor, scoring: Scoring) -> None:
    """City staff delete a draft (a published ranking stays: it is the record)."""
    with transaction.atomic():
        user = _require_staff(actor)
        scoring = lock(scoring)
        _refuse_published(scoring)
        log_action(
            actor=user, action=ACTION + "delete", target=scoring, data={"slug": scoring.slug}
        )
        scoring.delete()


def publish_scoring(*, actor: Actor, scoring: Scoring) -> Scoring:
    """Freeze a draft: refused unless it has criteria whose weights total 100 and every value is
    computable. Under the scoring's row lock, so publishing twice at once writes one ranking."""
    with transaction.atomic():
        user = _require_staff(actor)
        scoring = lock(scoring)
        if scoring.is_published:
            raise ValidationError(_("This scoring is already published."), code="published")
        ranking = selectors.compute_ranking(
            scoring, selectors.criteria_of(scoring), selectors.tiers_of(scoring)
        )
        if ranking.problems:
            raise ValidationError(
                [ValidationError(problem, code="not_computable") for problem in ranking.problems]
            )
        RankingEntry.objects.bulk_create(
            RankingEntry(
                scoring=scoring,
                district=entry.district,
                rank=entry.rank,
                score=entry.score,
                tier=entry.tier,
                tier_name=(ranking.rules["tiers"][entry.tier - 1]["name_ko"] if entry.tier else "")[
                    :80
                ],
                prize=entry.prize,
                breakdown=[selectors.stored_line(line) for line in entry.lines],
                previous_rank=entry.previous_rank,
                previous_score=entry.previous_score,
            )
            for entry in ranking.entries
        )
        now = timezone.now()
        scoring.rules = ranking.rules
        scoring.status = ScoringStatus.PUBLISHED
        scoring.published_at = now
        scoring.published_by = user
        scoring.updated_at = now
        scoring.save(
            update_fields=["rules", "status", "published_at", "published_by", "updated_at"]
        )
        log_action(
            actor=user,
            action=ACTION + "publish",
            target=scoring,
            data={"entries": len(ranking.entries), "prize": ranking.total_prize},
        )
    return scoring
