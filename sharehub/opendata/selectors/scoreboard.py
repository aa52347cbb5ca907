"""The district scoreboard's reads: the live ranking of a draft scoring (city staff's preview,
computed from the current data) and the frozen ranking of a published one (its `RankingEntry`
rows and `Scoring.rules`). Both give the page the same `Ranking`.

How a score is made (documented on the page, in `rules` and here):

- A criterion's **raw value** for a district: a live indicator's total over the months whose
  first day falls within the period (`indicators.by_district`; a district without a point: 0),
  or for "official:<code>" the latest official value of the period (the one whose period starts
  last within it; none: the criterion cannot be computed for that district).
- It is **normalised**: not at all; per 10,000 residents (the latest official "population"
  value starting within or before the period; none: cannot be computed); per km² (the area of
  the district's boundary, `geometry.area_km2`; none: cannot be computed); per public space (the
  district's active spaces of the facilities app, counted now; 0 spaces: the value is 0).
  Normalised values are rounded to 4 decimals before comparing.
- The criterion's **points** (at most its weight): `relative_share` % of the weight times
  value / best district's value (0 when every district has 0), plus the rest times
  min(value / target, 1). A criterion without a target gives all its weight to the relative
  part. Each part is rounded to 3 decimals; the score is their sum.
- **Ranks**: by score, ties share a rank (1, 2, 2, 4); **tiers**: tier 1 goes to the districts
  ranked within its number of districts, tier 2 to those within the first two tiers' numbers,
  and so on, so districts tied at a tier's edge all get the better tier (the total prize shown
  is what the districts actually receive); a district scoring 0 gets no tier.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from sharehub.core.actors import Actor
from sharehub.facilities.selectors import public_spaces
from sharehub.opendata import indicators
from sharehub.opendata.geometry import area_km2
from sharehub.opendata.models import (
    Normalisation,
    OfficialIndicator,
    RankingEntry,
    Scoring,
    ScoringCriterion,
    ScoringStatus,
    ScoringTier,
    Statistic,
    label_of,
)
from sharehub.opendata.permissions import runs_open_data
from sharehub.places.models import District

OFFICIAL_PREFIX = "official:"
POPULATION_CODE = "population"
RESIDENTS = Decimal(10_000)
FIGURE = Decimal("0.0001")
POINTS = Decimal("0.001")
HUNDRED = Decimal(100)
RULES_VERSION = 1

# Why a line of the breakdown has no value, or a value of 0 it would not otherwise have.
NOTE_NO_VALUE = "no_value"
NOTE_NO_POPULATION = "no_population"
NOTE_NO_AREA = "no_area"
NOTE_NO_SPACE = "no_space"
NOTE_UNKNOWN = "unknown_indicator"


# --- reading the rules -----------------------------------------------------------------------


def _text(value: Any) -> str:
    return str(value) if value is not None else ""


def _in(lang: str, value: Any) -> str:
    with override(lang):
        return _text(value)


def indicator_choices() -> list[tuple[str, str]]:
    """Every indicator a criterion may use: the live ones, then the official statistics."""
    live = [(i.code, f"{i.name} ({i.code})") for i in indicators.all_indicators()]
    official = [
        (OFFICIAL_PREFIX + o.code, f"{o.name} ({OFFICIAL_PREFIX}{o.code})")
        for o in OfficialIndicator.objects.order_by("code")
    ]
    return live + official


def describe_indicator(code: str) -> dict[str, str] | None:
    """The names and unit of a criterion's indicator in Korean and English; None if unknown."""
    if code.startswith(OFFICIAL_PREFIX):
        official = OfficialIndicator.objects.filter(code=code[len(OFFICIAL_PREFIX) :]).first()
        if official is None:
            return None
        return {
            "name_ko": official.name_ko,
            "name_en": official.name_en or "",
            "unit_ko": getattr(official, "unit_ko", "") or "",
            "unit_en": getattr(official, "unit_en", "") or "",
        }
    live = indicators.get(code)
    if live is None:
        return None
    return {
        "name_ko": _in("ko", live.name),
        "name_en": _in("en", live.name),
        "unit_ko": _in("ko", live.unit),
        "unit_en": _in("en", live.unit),
    }


def previous_of(scoring: Scoring) -> Scoring | None:
    """The scoring a ranking is compared with: its `previous` if published, else the latest
    published scoring ending before its period starts."""
    if scoring.previous_id:
        previous = Scoring.objects.filter(
            pk=scoring.previous_id, status=ScoringStatus.PUBLISHED
        ).first()
        if previous is not None:
            return previous
    return (
        Scoring.objects.filter(status=ScoringStatus.PUBLISHED, period_end__lt=scoring.period_start)
        .exclude(pk=scoring.pk)
        .order_by("-period_end", "-pk")
        .first()
    )


def build_rules(
    scoring: Scoring,
    criteria: Sequence[ScoringCriterion],
    tiers: Sequence[ScoringTier],
    previous: Scoring | None,
) -> dict[str, Any]:
    """The rules as they are published (`Scoring.rules`): everything the ranking was made with."""
    rule_criteria = []
    for position, criterion in enumerate(criteria, start=1):
        names = describe_indicator(criterion.indicator) or {
            "name_ko": criterion.indicator,
            "name_en": criterion.indicator,
            "unit_ko": "",
            "unit_en": "",
        }
        rule_criteria.append(
            {
                "position": position,
                "indicator": criterion.indicator,
                **names,
                "weight": criterion.weight,
                "normalisation": criterion.normalisation,
                "target": None if criterion.target is None else str(criterion.target),
            }
        )
    return {
        "version": RULES_VERSION,
        "period_start": scoring.period_start.isoformat(),
        "period_end": scoring.period_end.isoformat(),
        "relative_share": scoring.relative_share,
        "criteria": rule_criteria,
        "tiers": [
            {
                "position": position,
                "name_ko": tier.name_ko,
                "name_en": tier.name_en or "",
                "districts": tier.districts,
                "prize": tier.prize,
            }
            for position, tier in enumerate(tiers, start=1)
        ],
        "previous": None
        if previous is None
        else {"slug": previous.slug, "title_ko": previous.title_ko, "title_en": previous.title_en},
        "population_indicator": POPULATION_CODE,
        "official_value": "latest_in_period",
    }


# --- the result ------------------------------------------------------------------------------


@dataclass
class Entry:
    district: District
    rank: int
    score: Decimal
    tier: int | None
    tier_name: str
    prize: int
    # One dict per criterion, in the rules' order: "criterion" (the display rule), "raw",
    # "divisor", "normalised", "relative", "absolute", "points" (Decimal or None) and "note".
    lines: list[dict[str, Any]]
    previous_rank: int | None = None
    previous_score: Decimal | None = None

    @property
    def change(self) -> int | None:
        """Places gained since the previous period (negative: lost); None: not ranked then."""
        if self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def change_down(self) -> int:
        return -(self.change or 0)


@dataclass
class Ranking:
    scoring: Scoring
    rules: dict[str, Any]
    criteria: list[dict[str, Any]]
    tiers: list[dict[str, Any]]
    entries: list[Entry]
    live: bool
    problems: list[str] = field(default_factory=list)

    @property
    def total_prize(self) -> int:
        return sum(entry.prize for entry in self.entries)

    @property
    def planned_prize(self) -> int:
        return sum(tier["districts"] * tier["prize"] for tier in self.tiers)

    @property
    def weight_total(self) -> int:
        return sum(int(c["weight"]) for c in self.criteria)

    @property
    def previous(self) -> dict[str, Any] | None:
        previous: dict[str, Any] | None = self.rules.get("previous")
        return previous


def _localised(rule: dict[str, Any], *names: str) -> dict[str, Any]:
    lang = "en" if (get_language() or "ko").startswith("en") else "ko"
    shown = dict(rule)
    for name in names:
        shown[name] = rule.get(f"{name}_{lang}") or rule.get(f"{name}_ko") or ""
    return shown


def _display_criteria(rules: dict[str, Any]) -> list[dict[str, Any]]:
    shown = []
    relative_share = int(rules.get("relative_share", 0))
    for rule in rules.get("criteria", []):
        item = _localised(rule, "name", "unit")
        item["normalisation_label"] = label_of(Normalisation, rule["normalisation"])
        item["target_value"] = _decimal(rule.get("target"))
        weight = Decimal(int(rule["weight"]))
        share = Decimal(relative_share) / HUNDRED if rule.get("target") is not None else 1
        item["relative_points"] = (weight * share).quantize(POINTS).normalize()
        item["absolute_points"] = (
            (weight - weight * share).quantize(POINTS).normalize()
            if rule.get("target") is not None
            else None
        )
        shown.append(item)
    return shown


def _display_tiers(rules: dict[str, Any]) -> list[dict[str, Any]]:
    shown, last = [], 0
    for rule in rules.get("tiers", []):
        item = _localised(rule, "name")
        item["first_rank"], last = last + 1, last + int(rule["districts"])
        item["last_rank"] = last
        item["total"] = int(rule["districts"]) * int(rule["prize"])
        shown.append(item)
    return shown


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


# --- computing a ranking ---------------------------------------------------------------------


def _latest_by_district(values: Iterable[tuple[int, Decimal]]) -> dict[int, Decimal]:
    """The first value of each district from rows ordered by district, latest first."""
    found: dict[int, Decimal] = {}
    for district_id, value in values:
        found.setdefault(district_id, value)
    return found


def population_by_district(end: date) -> dict[int, Decimal]:
    """district id → the latest official population starting within or before the period."""
    rows = (
        Statistic.objects.filter(
            indicator__code=POPULATION_CODE, district__isnull=False, starts__lte=end
        )
        .order_by("district_id", "-starts")
        .values_list("district_id", "value")
    )
    return _latest_by_district(rows)


def _official_values(code: str, start: date, end: date) -> dict[int, Decimal] | None:
    """district id → the latest value of the official indicator within the period; None when
    the indicator does not exist."""
    if not OfficialIndicator.objects.filter(code=code).exists():
        return None
    rows = (
        Statistic.objects.filter(
            indicator__code=code, district__isnull=False, starts__gte=start, starts__lte=end
        )
        .order_by("district_id", "-starts")
        .values_list("district_id", "value")
    )
    return _latest_by_district(rows)


def _spaces_by_district() -> dict[int, int]:
    rows = public_spaces().values("district_id").annotate(n=Count("pk")).order_by()
    return {row["district_id"]: row["n"] for row in rows}


def _raw_values(
    indicator: str, districts: Sequence[District], start: date, end: date
) -> dict[int, Decimal | None] | None:
    """district id → the raw value (None: none for that district); None: unknown indicator."""
    if indicator.startswith(OFFICIAL_PREFIX):
        official = _official_values(indicator[len(OFFICIAL_PREFIX) :], start, end)
        if official is None:
            return None
        return {d.pk: official.get(d.pk) for d in districts}
    live = indicators.get(indicator)
    if live is None:
        return None
    values = indicators.by_district(live, start=start, end=end)
    return {d.pk: values.get(d.code, Decimal(0)) for d in districts}


def _ratio(value: Decimal, of: Decimal) -> Decimal:
    return value / of if of else Decimal(0)


def compute_ranking(
    scoring: Scoring,
    criteria: Sequence[ScoringCriterion],
    tiers: Sequence[ScoringTier],
) -> Ranking:
    """The ranking the scoring gives on the current data, with what keeps it from being
    published (`problems`: a criterion that cannot be computed, weights not adding up to 100)."""
    previous = previous_of(scoring)
    rules = build_rules(scoring, criteria, tiers, previous)
    shown_criteria = _display_criteria(rules)
    problems: list[str] = []
    needs = {c.normalisation for c in criteria}
    districts_qs = District.objects.order_by("code")
    if Normalisation.AREA not in needs:
        districts_qs = districts_qs.defer("boundary")
    districts = list(districts_qs)
    population = population_by_district(scoring.period_end) if "population" in needs else {}
    spaces = _spaces_by_district() if Normalisation.SPACE in needs else {}
    areas = {d.pk: area_km2(d.boundary) for d in districts} if Normalisation.AREA in needs else {}
    start, end = scoring.period_start, scoring.period_end
    lines: dict[int, list[dict[str, Any]]] = {d.pk: [] for d in districts}
    missing: dict[str, list[str]] = {}

    for rule, criterion in zip(shown_criteria, criteria, strict=True):
        raw = _raw_values(criterion.indicator, districts, start, end)
        if raw is None:
            problems.append(
                _("The indicator “%(code)s” does not exist.") % {"code": criterion.indicator}
            )
        normalised: dict[int, tuple[Decimal | None, Decimal | None, Decimal | None, str]] = {}
        for district in districts:
            value = raw.get(district.pk) if raw is not None else None
            divisor: Decimal | None = None
            note = "" if raw is not None else NOTE_UNKNOWN
            if raw is not None and value is None:
                note = NOTE_NO_VALUE
                missing.setdefault(
                    _("no value of “%(name)s” in the period") % {"name": rule["name"]}, []
                ).append(district.name)
            if criterion.normalisation == Normalisation.POPULATION:
                residents = population.get(district.pk)
                if not residents:
                    note = note or NOTE_NO_POPULATION
                    missing.setdefault(
                        _(
                            "no population (official statistic “%(code)s”) within or before the period"
                        )
                        % {"code": POPULATION_CODE},
                        [],
                    ).append(district.name)
                else:
                    divisor = (residents / RESIDENTS).quantize(FIGURE)
            elif criterion.normalisation == Normalisation.AREA:
                area = areas.get(district.pk)
                if not area:
                    note = note or NOTE_NO_AREA
                    missing.setdefault(_("no boundary to measure the area"), []).append(
                        district.name
                    )
                else:
                    divisor = Decimal(str(area)).quantize(FIGURE)
            elif criterion.normalisation == Normalisation.SPACE:
                divisor = Decimal(spaces.get(district.pk, 0))
                if not divisor:
                    note = note or NOTE_NO_SPACE
            result: Decimal | None
            if value is None or note in (NOTE_NO_POPULATION, NOTE_NO_AREA, NOTE_UNKNOWN):
                result = None
            elif criterion.normalisation == Normalisation.NONE:
                result = value.quantize(FIGURE)
            else:
                result = _ratio(value, divisor or Decimal(0)).quantize(FIGURE)
            normalised[district.pk] = (value, divisor, result, note)

        computable = [n[2] for n in normalised.values() if n[2] is not None]
        best = max(computable, default=Decimal(0))
        weight = Decimal(criterion.weight)
        target = criterion.target
        share = Decimal(scoring.relative_share) / HUNDRED if target is not None else Decimal(1)
        for district in districts:
            value, divisor, result, note = normalised[district.pk]
            relative = absolute = None
            if result is not None:
                relative = (weight * share * _ratio(result, best)).quantize(POINTS)
                if target is not None:
                    reached = min(_ratio(result, target), Decimal(1)) if target else Decimal(1)
                    absolute = (weight * (1 - share) * reached).quantize(POINTS)
            points = (relative or Decimal(0)) + (absolute or Decimal(0))
            lines[district.pk].append(
                {
                    "criterion": rule,
                    "raw": value,
                    "divisor": divisor,
                    "normalised": result,
                    "best": best,
                    "relative": relative,
                    "absolute": absolute,
                    "points": points.quantize(POINTS),
                    "note": note,
                }
            )

    for what, names in missing.items():
        problems.append(
            _("Cannot be computed: %(what)s for %(districts)s.")
            % {"what": what, "districts": ", ".join(names)}
        )
    if not criteria:
        problems.append(_("The scoring has no criterion yet."))
    elif rules and sum(c.weight for c in criteria) != 100:
        problems.append(
            _("The weights add up to %(total)s: they must add up to 100.")
            % {"total": sum(c.weight for c in criteria)}
        )
    if not districts:
        problems.append(_("There are no districts to rank."))

    scores = {
        d.pk: sum((line["points"] for line in lines[d.pk]), Decimal(0)).quantize(POINTS)
        for d in districts
    }
    ordered = sorted(districts, key=lambda d: (-scores[d.pk], d.code))
    previous_entries = _previous_entries(previous)
    shown_tiers = _display_tiers(rules)
    entries: list[Entry] = []
    rank = 0
    for position, district in enumerate(ordered, start=1):
        if position == 1 or scores[district.pk] != scores[ordered[position - 2].pk]:
            rank = position
        # A district that earned nothing wins nothing, however many share its rank.
        tier = _tier_of(rank, shown_tiers) if scores[district.pk] > 0 else None
        before = previous_entries.get(district.pk)
        entries.append(
            Entry(
                district=district,
                rank=rank,
                score=scores[district.pk],
                tier=tier["position"] if tier else None,
                tier_name=tier["name"] if tier else "",
                prize=int(tier["prize"]) if tier else 0,
                lines=lines[district.pk],
                previous_rank=before[0] if before else None,
                previous_score=before[1] if before else None,
            )
        )
    return Ranking(
        scoring=scoring,
        rules=rules,
        criteria=shown_criteria,
        tiers=shown_tiers,
        entries=entries,
        live=True,
        problems=problems,
    )


def _tier_of(rank: int, tiers: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    for tier in tiers:
        if rank <= tier["last_rank"]:
            return tier
    return None


def _previous_entries(previous: Scoring | None) -> dict[int, tuple[int, Decimal]]:
    if previous is None:
        return {}
    return {
        district_id: (rank, score)
        for district_id, rank, score in RankingEntry.objects.filter(scoring=previous).values_list(
            "district_id", "rank", "score"
        )
    }


# --- what the pages read ---------------------------------------------------------------------


def published_scorings() -> QuerySet[Scoring]:
    """The public list: published scorings, latest period first, each with its first-ranked
    districts (`winners`)."""
    return (
        Scoring.objects.filter(status=ScoringStatus.PUBLISHED)
        .order_by("-period_end", "-pk")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=RankingEntry.objects.filter(rank=1)
                .select_related("district")
                .defer("district__boundary")
                .order_by("district__code"),
                to_attr="winners",
            )
        )
    )


def scorings_to_manage(actor: Actor) -> QuerySet[Scoring]:
    """City staff's list: every scoring, drafts included, with its counts of criteria and tiers."""
    if not runs_open_data(actor):
        return Scoring.objects.none()
    return Scoring.objects.annotate(
        criteria_count=Count("criteria", distinct=True), tiers_count=Count("tiers", distinct=True)
    ).order_by("status", "-period_end", "-pk")


def scoring_to_manage(actor: Actor, slug: str) -> Scoring:
    """A scoring for city staff (404 for anyone else: they see only published rankings)."""
    if not runs_open_data(actor):
        raise Http404
    scoring = Scoring.objects.filter(slug=slug).first()
    if scoring is None:
        raise Http404
    return scoring


def criteria_of(scoring: Scoring) -> list[ScoringCriterion]:
    return list(scoring.criteria.order_by("position", "pk"))


def tiers_of(scoring: Scoring) -> list[ScoringTier]:
    return list(scoring.tiers.order_by("position", "pk"))


def live_ranking(actor: Actor, scoring: Scoring) -> Ranking:
    """A draft's preview on the current data (city staff only)."""
    if not runs_open_data(actor):
        raise Http404
    return compute_ranking(scoring, criteria_of(scoring), tiers_of(scoring))


def published_scoring(slug: str) -> Scoring:
    scoring = Scoring.objects.filter(slug=slug, status=ScoringStatus.PUBLISHED).first()
    if scoring is None:
        raise Http404
    return scoring


def frozen_ranking(scoring: Scoring) -> Ranking:
    """A published scoring's ranking as it was published (never recomputed)."""
    rules = scoring.rules or {}
    shown_criteria = _display_criteria(rules)
    shown_tiers = _display_tiers(rules)
    tier_names = {tier["position"]: tier["name"] for tier in shown_tiers}
    entries = []
    for row in (
        RankingEntry.objects.filter(scoring=scoring)
        .select_related("district")
        .defer("district__boundary")
        .order_by("rank", "district__code")
    ):
        lines = []
        for rule, line in zip(shown_criteria, row.breakdown, strict=False):
            lines.append(
                {
                    "criterion": rule,
                    "raw": _decimal(line.get("raw")),
                    "divisor": _decimal(line.get("divisor")),
                    "normalised": _decimal(line.get("normalised")),
                    "best": _decimal(line.get("best")),
                    "relative": _decimal(line.get("relative")),
                    "absolute": _decimal(line.get("absolute")),
                    "points": _decimal(line.get("points")) or Decimal(0),
                    "note": line.get("note", ""),
                }
            )
        entries.append(
            Entry(
                district=row.district,
                rank=row.rank,
                score=row.score,
                tier=row.tier,
                tier_name=tier_names.get(row.tier, row.tier_name) if row.tier else "",
                prize=row.prize,
                lines=lines,
                previous_rank=row.previous_rank,
                previous_score=row.previous_score,
            )
        )
    return Ranking(
        scoring=scoring,
        rules=rules,
        criteria=shown_criteria,
        tiers=shown_tiers,
        entries=entries,
        live=False,
    )


def stored_line(line: dict[str, Any]) -> dict[str, Any]:
    """A breakdown line as `RankingEntry.breakdown` keeps it (decimals as exact strings)."""
    return {
        "indicator": line["criterion"]["indicator"],
        **{
            key: None if line[key] is None else str(line[key])
            for key in ("raw", "divisor", "normalised", "best", "relative", "absolute", "points")
        },
        "note": line["note"],
    }
