"""The district scoreboard's rules: scores against hand-computed figures, each normalisation,
ties and tiers, publishing (refused, frozen, compared with the previous period), bad rows.

The fixture city has three districts A, B, C and a scoring of 2025 (relative part 50 %):

- "directory.listings" (live), weight 40, not normalised, no target (all points relative):
  public listings created in 2025: A 4, B 2, C 0 (A's listing of 2024 is outside the period).
  Best 4 → A 40, B 20, C 0.
- "official:shared-rooms", weight 60, per 10,000 residents, target 5:
  latest value in 2025: A 30 (its January value 10 is older), B 20, C 10;
  population (latest starting within or before 2025): A 100,000 (2024), B 50,000 (its 2026
  figure is after the period), C 20,000 → divisors 10, 5, 2 → normalised 3, 4, 5; best 5.
  Relative (30 points): A 18, B 24, C 30; absolute (30 points × min(v/5, 1)): A 18, B 24, C 30.
- Scores: A 76, B 68, C 60. Tiers: "최우수" 1 district × 50M, "우수" 1 × 30M → 80M awarded.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sharehub.accounts.tests.factories import UserFactory, give_totp
from sharehub.directory.tests.factories import ListingFactory
from sharehub.facilities.tests.factories import SpaceFactory
from sharehub.moderation.models import ModerationStatus
from sharehub.opendata.geometry import area_km2
from sharehub.opendata.models import (
    Normalisation,
    RankingEntry,
    Scoring,
    ScoringCriterion,
    ScoringStatus,
    ScoringTier,
)
from sharehub.opendata.selectors import scoreboard as selectors
from sharehub.opendata.services import scoreboard as services
from sharehub.opendata.services.scoreboard import CriterionRow, TierRow
from sharehub.opendata.tests.factories import (
    OfficialIndicatorFactory,
    ScoringCriterionFactory,
    ScoringFactory,
    ScoringTierFactory,
    StatisticFactory,
)
from sharehub.organizations.tests.factories import OrganizationFactory
from sharehub.places.tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db

SEOUL = dt.timezone(dt.timedelta(hours=9))


def staff_user():
    return give_totp(UserFactory(is_city_staff=True))


def listing(district, when: dt.datetime):
    organization = OrganizationFactory(district=district)
    return ListingFactory(
        organization=organization, moderation_status=ModerationStatus.PUBLISHED, created_at=when
    )


def statistic(code: str, district, period: str, value: int | str):
    kind = "year" if len(period) == 4 else "month"
    starts = dt.date(int(period[:4]), int(period[5:7]) if kind == "month" else 1, 1)
    return StatisticFactory(
        indicator=OfficialIndicatorFactory(code=code),
        district=district,
        period=period,
        period_kind=kind,
        starts=starts,
        value=Decimal(value),
    )


class City:
    def __init__(self) -> None:
        self.a = DistrictFactory(code="91001", name_ko="가구", name_en="A-gu")
        self.b = DistrictFactory(code="91002", name_ko="나구", name_en="B-gu")
        self.c = DistrictFactory(code="91003", name_ko="다구", name_en="C-gu")
        in_2025 = dt.datetime(2025, 5, 10, 12, tzinfo=SEOUL)
        for _ in range(4):
            listing(self.a, in_2025)
        listing(self.a, dt.datetime(2024, 12, 31, 12, tzinfo=SEOUL))
        for _ in range(2):
            listing(self.b, in_2025)
        statistic("shared-rooms", self.a, "2025-01", 10)
        statistic("shared-rooms", self.a, "2025-07", 30)
        statistic("shared-rooms", self.b, "2025", 20)
        statistic("shared-rooms", self.c, "2025", 10)
        statistic("shared-rooms", self.c, "2024", 999)
        statistic("population", self.a, "2024", 100_000)
        statistic("population", self.b, "2025", 50_000)
        statistic("population", self.b, "2026", 999_999)
        statistic("population", self.c, "2025", 20_000)

    def scoring(self, **fields) -> Scoring:
        scoring = ScoringFactory(
            period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31), **fields
        )
        ScoringCriterionFactory(
            scoring=scoring, position=1, indicator="directory.listings", weight=40
        )
        ScoringCriterionFactory(
            scoring=scoring,
            position=2,
            indicator="official:shared-rooms",
            weight=60,
            normalisation=Normalisation.POPULATION,
            target=Decimal(5),
        )
        ScoringTierFactory(
            scoring=scoring, position=1, name_ko="최우수", districts=1, prize=50_000_000
        )
        ScoringTierFactory(
            scoring=scoring,
            position=2,
            name_ko="우수",
            name_en="Good",
            districts=1,
            prize=30_000_000,
        )
        return scoring


@pytest.fixture
def city():
    return City()


def _by_code(ranking):
    return {entry.district.code: entry for entry in ranking.entries}


def test_scores_match_the_hand_computed_figures(city):
    scoring = city.scoring()
    ranking = selectors.live_ranking(staff_user(), scoring)
    assert ranking.problems == []
    entries = _by_code(ranking)
    assert [e.district.code for e in ranking.entries] == ["91001", "91002", "91003"]
    assert [e.score for e in ranking.entries] == [Decimal("76"), Decimal("68"), Decimal("60")]
    assert [e.rank for e in ranking.entries] == [1, 2, 3]
    a_listings, a_rooms = entries["91001"].lines
    assert (a_listings["raw"], a_listings["divisor"], a_listings["normalised"]) == (4, None, 4)
    assert (a_listings["relative"], a_listings["absolute"]) == (Decimal(40), None)
    assert a_rooms["raw"] == 30 and a_rooms["divisor"] == 10 and a_rooms["normalised"] == 3
    assert (a_rooms["relative"], a_rooms["absolute"], a_rooms["points"]) == (18, 18, 36)
    b_rooms = entries["91002"].lines[1]
    assert (b_rooms["divisor"], b_rooms["normalised"], b_rooms["points"]) == (5, 4, 48)
    c_listings, c_rooms = entries["91003"].lines
    assert c_listings["raw"] == 0 and c_listings["points"] == 0
    assert (c_rooms["normalised"], c_rooms["relative"], c_rooms["absolute"]) == (5, 30, 30)
    assert [(e.tier, e.tier_name, e.prize) for e in ranking.entries] == [
        (1, "최우수", 50_000_000),
        (2, "우수", 30_000_000),
        (None, "", 0),
    ]
    assert ranking.total_prize == 80_000_000 == ranking.planned_prize


def test_a_target_exceeded_gives_the_absolute_part_in_full(city):
    scoring = city.scoring()
    scoring.criteria.filter(position=2).update(target=Decimal("3.5"))
    entries = _by_code(selectors.live_ranking(staff_user(), scoring))
    # A: 30 × 3/3.5 = 25.714…; B and C pass the target: 30.
    assert [entries[c].lines[1]["absolute"] for c in ("91001", "91002", "91003")] == [
        Decimal("25.714"),
        Decimal("30.000"),
        Decimal("30.000"),
    ]


def test_per_public_space_counts_active_spaces_and_zero_spaces_give_zero(city):
    scoring = ScoringFactory(period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31))
    ScoringCriterionFactory(
        scoring=scoring, indicator="official:shared-rooms", normalisation=Normalisation.SPACE
    )
    SpaceFactory(district=city.a)
    SpaceFactory(district=city.a)
    SpaceFactory(district=city.a, is_active=False)
    SpaceFactory(district=city.b)
    entries = _by_code(selectors.live_ranking(staff_user(), scoring))
    a, b, c = (entries[code].lines[0] for code in ("91001", "91002", "91003"))
    assert (a["divisor"], a["normalised"], a["points"]) == (2, 15, Decimal("75"))
    assert (b["divisor"], b["normalised"], b["points"]) == (1, 20, Decimal("100"))
    assert (c["divisor"], c["normalised"], c["points"], c["note"]) == (0, 0, 0, "no_space")


def test_per_square_kilometre_divides_by_the_boundarys_area(city):
    scoring = ScoringFactory(period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31))
    ScoringCriterionFactory(
        scoring=scoring, indicator="official:shared-rooms", normalisation=Normalisation.AREA
    )
    # The factory's 0.02° × 0.02° square at 37.54–37.56°N, on a sphere of radius 6371.0088 km.
    radius = 6371.0088
    expected = (
        radius**2
        * math.radians(0.02)
        * (math.sin(math.radians(37.56)) - math.sin(math.radians(37.54)))
    )
    assert area_km2(city.a.boundary) == pytest.approx(expected, rel=1e-9)
    line = _by_code(selectors.live_ranking(staff_user(), scoring))["91002"].lines[0]
    assert line["divisor"] == Decimal(str(expected)).quantize(Decimal("0.0001"))
    assert line["normalised"] == (Decimal(20) / line["divisor"]).quantize(Decimal("0.0001"))


def test_the_area_of_seoul_from_the_bundled_boundaries_is_within_two_percent():
    import json

    from sharehub.core.demo import DATA_DIR

    features = json.loads((DATA_DIR / "seoul-districts.geojson").read_text())["features"]
    areas = {f["properties"]["SIG_ENG_NM"]: area_km2(f["geometry"]) for f in features}
    # Seoul Metropolitan Government statistics: the city 605.2 km², Gangnam-gu 39.5 km².
    assert sum(areas.values()) == pytest.approx(605.2, rel=0.02)
    assert areas["Gangnam-gu"] == pytest.approx(39.5, rel=0.02)
    assert area_km2(None) is None and area_km2({"type": "Point", "coordinates": [0, 0]}) is None


def test_a_polygons_hole_is_taken_out_of_its_area():
    outer = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    hole = [[0.25, 0.25], [0.75, 0.25], [0.75, 0.75], [0.25, 0.75], [0.25, 0.25]]
    whole = area_km2({"type": "Polygon", "coordinates": [outer]})
    assert whole == pytest.approx(12_364, rel=0.001)  # one degree square at the equator
    holed = area_km2({"type": "Polygon", "coordinates": [outer, hole]})
    assert holed == pytest.approx(whole * 0.75, rel=0.001)
    multi = area_km2({"type": "MultiPolygon", "coordinates": [[outer], [hole]]})
    assert multi == pytest.approx(whole * 1.25, rel=0.001)


def test_ties_share_a_rank_and_the_tier_at_their_edge(city):
    scoring = ScoringFactory(period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31))
    ScoringCriterionFactory(scoring=scoring, indicator="official:shared-rooms")
    statistic("shared-rooms", city.b, "2025-02", 30)  # B's latest: 30 like A
    ScoringTierFactory(scoring=scoring, position=1, name_ko="1등급", districts=1, prize=10)
    ScoringTierFactory(scoring=scoring, position=2, name_ko="2등급", districts=1, prize=5)
    ranking = selectors.live_ranking(staff_user(), scoring)
    assert [(e.district.code, e.rank, e.score) for e in ranking.entries] == [
        ("91001", 1, Decimal("100")),
        ("91002", 1, Decimal("100")),
        ("91003", 3, Decimal("33.333")),
    ]
    # Both tied first are in tier 1; the third is past both tiers' two places.
    assert [(e.tier, e.prize) for e in ranking.entries] == [(1, 10), (1, 10), (None, 0)]
    assert ranking.total_prize == 20


def test_publishing_freezes_the_ranking_and_new_data_changes_only_a_draft(
    city, django_capture_on_commit_callbacks
):
    staff = staff_user()
    published = city.scoring()
    draft = city.scoring()
    services.publish_scoring(actor=staff, scoring=published)
    published.refresh_from_db()
    assert published.status == ScoringStatus.PUBLISHED and published.published_by == staff
    assert published.rules["relative_share"] == 50
    assert [c["indicator"] for c in published.rules["criteria"]] == [
        "directory.listings",
        "official:shared-rooms",
    ]
    assert published.rules["criteria"][1]["target"] == "5.0000"
    assert published.rules["tiers"][0] == {
        "position": 1,
        "name_ko": "최우수",
        "name_en": "Excellent",
        "districts": 1,
        "prize": 50_000_000,
    }
    stored = RankingEntry.objects.get(scoring=published, district=city.a)
    assert (stored.rank, stored.score, stored.tier, stored.prize) == (
        1,
        Decimal("76"),
        1,
        50_000_000,
    )
    assert (
        stored.breakdown[1]["normalised"] == "3.0000" and stored.breakdown[1]["points"] == "36.000"
    )
    before = [
        (e.district.code, e.rank, e.score) for e in selectors.frozen_ranking(published).entries
    ]

    # New data: C gets 10 listings in 2025, a new population figure and rooms value.
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(10):
            listing(city.c, dt.datetime(2025, 8, 1, 12, tzinfo=SEOUL))
        statistic("shared-rooms", city.c, "2025-11", 100)
    # The criteria and tiers rows of the published scoring change too (only the rules count).
    ScoringCriterion.objects.filter(scoring=published).update(weight=1)
    ScoringTier.objects.filter(scoring=published).delete()

    after = [
        (e.district.code, e.rank, e.score) for e in selectors.frozen_ranking(published).entries
    ]
    assert after == before
    assert selectors.frozen_ranking(published).total_prize == 80_000_000
    live = _by_code(selectors.live_ranking(staff, draft))
    assert live["91003"].rank == 1 and live["91003"].lines[0]["raw"] == 10


def test_a_published_scoring_is_refused_every_change(city):
    staff = staff_user()
    scoring = city.scoring()
    services.publish_scoring(actor=staff, scoring=scoring)
    with pytest.raises(ValidationError) as refused:
        services.publish_scoring(actor=staff, scoring=scoring)
    assert refused.value.error_list[0].code == "published"
    with pytest.raises(ValidationError) as refused:
        services.update_scoring(actor=staff, scoring=scoring, title_ko="바뀐 제목")
    assert refused.value.error_list[0].code == "frozen"
    with pytest.raises(ValidationError):
        services.delete_scoring(actor=staff, scoring=scoring)
    scoring.refresh_from_db()
    assert (
        scoring.title_ko != "바뀐 제목"
        and RankingEntry.objects.filter(scoring=scoring).count() == 3
    )


def test_the_change_from_the_previous_period(city):
    staff = staff_user()
    last_year = ScoringFactory(period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 12, 31))
    # 2024's listings: A 1, B and C none → A first, B and C tied second.
    ScoringCriterionFactory(scoring=last_year, indicator="directory.listings")
    services.publish_scoring(actor=staff, scoring=last_year)
    this_year = city.scoring()
    ranking = selectors.live_ranking(staff, this_year)
    assert ranking.previous["slug"] == last_year.slug
    moves = {e.district.code: (e.previous_rank, e.change) for e in ranking.entries}
    assert moves == {"91001": (1, 0), "91002": (2, 0), "91003": (2, -1)}
    services.publish_scoring(actor=staff, scoring=this_year)
    c = RankingEntry.objects.get(scoring=this_year, district=city.c)
    assert (c.previous_rank, c.previous_score) == (2, Decimal("0"))


def test_publishing_is_refused_without_population_weights_of_100_or_criteria(city):
    staff = staff_user()
    fourth = DistrictFactory(code="91004", name_ko="라구")  # no population figure
    statistic("shared-rooms", fourth, "2025", 5)
    scoring = city.scoring()
    with pytest.raises(ValidationError) as refused:
        services.publish_scoring(actor=staff, scoring=scoring)
    assert "라구" in " ".join(refused.value.messages)
    assert "population" in " ".join(refused.value.messages)
    line = _by_code(selectors.live_ranking(staff, scoring))["91004"].lines[1]
    assert line["normalised"] is None and line["note"] == "no_population"

    weights = city.scoring()
    weights.criteria.filter(position=1).update(weight=30)
    statistic("population", fourth, "2025", 1000)
    with pytest.raises(ValidationError) as refused:
        services.publish_scoring(actor=staff, scoring=weights)
    assert "90" in " ".join(refused.value.messages)

    empty = ScoringFactory()
    with pytest.raises(ValidationError):
        services.publish_scoring(actor=staff, scoring=empty)
    assert not RankingEntry.objects.exists()
    assert not Scoring.objects.filter(status=ScoringStatus.PUBLISHED).exists()


def test_an_unknown_official_value_cannot_be_computed(city):
    scoring = ScoringFactory(period_start=dt.date(2023, 1, 1), period_end=dt.date(2023, 12, 31))
    ScoringCriterionFactory(scoring=scoring, indicator="official:shared-rooms")
    ranking = selectors.live_ranking(staff_user(), scoring)
    assert ranking.problems and all(e.lines[0]["note"] == "no_value" for e in ranking.entries)


@pytest.mark.parametrize("who", ["anonymous", "citizen", "member"])
def test_only_city_staff_write(city, who):
    from django.contrib.auth.models import AnonymousUser

    from sharehub.organizations.models import MemberRole
    from sharehub.organizations.tests.factories import MembershipFactory

    actor = {
        "anonymous": lambda: AnonymousUser(),
        "citizen": lambda: UserFactory(),
        "member": lambda: MembershipFactory(role=MemberRole.OWNER).user,
    }[who]()
    draft = city.scoring()
    with pytest.raises(PermissionDenied):
        services.create_scoring(
            actor=actor,
            title_ko="평가",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 12, 31),
        )
    with pytest.raises(PermissionDenied):
        services.update_scoring(actor=actor, scoring=draft, title_ko="바뀜")
    with pytest.raises(PermissionDenied):
        services.publish_scoring(actor=actor, scoring=draft)
    with pytest.raises(PermissionDenied):
        services.delete_scoring(actor=actor, scoring=draft)
    draft.refresh_from_db()
    assert draft.status == ScoringStatus.DRAFT and draft.title_ko != "바뀜"
    assert Scoring.objects.count() == 1


def test_create_and_update_with_rows(city):
    staff = staff_user()
    scoring = services.create_scoring(
        actor=staff,
        title_ko="2025년 자치구 공유촉진 평가",
        title_en="District sharing evaluation 2025",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        relative_share=50,
        criteria=[
            CriterionRow(indicator="directory.listings", weight=40),
            CriterionRow(
                indicator="official:shared-rooms",
                weight=60,
                normalisation="population",
                target=Decimal(5),
            ),
        ],
        tiers=[TierRow(name_ko="최우수", districts=1, prize=50_000_000)],
    )
    assert scoring.slug == "district-sharing-evaluation-2025"
    assert [c.indicator for c in selectors.criteria_of(scoring)] == [
        "directory.listings",
        "official:shared-rooms",
    ]
    services.update_scoring(
        actor=staff,
        scoring=scoring,
        criteria=[CriterionRow(indicator="directory.listings", weight=100)],
        tiers=[],
    )
    assert [(c.indicator, c.weight) for c in selectors.criteria_of(scoring)] == [
        ("directory.listings", 100)
    ]
    assert selectors.tiers_of(scoring) == []


def test_bad_rows_are_refused_each_on_its_row_and_nothing_is_written(city):
    staff = staff_user()
    draft = city.scoring()
    with pytest.raises(ValidationError) as refused:
        services.update_scoring(
            actor=staff,
            scoring=draft,
            title_ko="",
            period_end=dt.date(2024, 1, 1),
            criteria=[
                CriterionRow(indicator="directory.listings", weight=40),
                CriterionRow(indicator="nope.nothing", weight=0),
                CriterionRow(indicator="directory.listings", weight=10, target=Decimal(0)),
                CriterionRow(indicator="official:shared-rooms", weight=5, normalisation="moon"),
            ],
            tiers=[TierRow(name_ko="", districts=0, prize=-1)],
        )
    errors = {key: [e.code for e in value] for key, value in refused.value.error_dict.items()}
    assert errors == {
        "title_ko": ["required"],
        "period_end": ["order"],
        "criteria-1-indicator": ["unknown"],
        "criteria-1-weight": ["range"],
        "criteria-2-target": ["invalid"],
        "criteria-2-indicator": ["duplicate"],
        "criteria-3-normalisation": ["invalid"],
        "tiers-0-name_ko": ["required"],
        "tiers-0-districts": ["range"],
        "tiers-0-prize": ["invalid"],
    }
    draft.refresh_from_db()
    assert draft.title_ko and draft.period_end == dt.date(2025, 12, 31)
    assert draft.criteria.count() == 2 and draft.tiers.count() == 2


def test_the_previous_scoring_must_be_published_and_earlier(city):
    staff = staff_user()
    other_draft = city.scoring()
    with pytest.raises(ValidationError) as refused:
        services.create_scoring(
            actor=staff,
            title_ko="평가",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 12, 31),
            previous=other_draft,
        )
    assert refused.value.error_dict["previous"][0].code == "invalid"
    assert Scoring.objects.count() == 1


def test_districts_scoring_zero_win_no_tier_however_many_share_the_rank(city):
    scoring = ScoringFactory(period_start=dt.date(2020, 1, 1), period_end=dt.date(2020, 12, 31))
    ScoringCriterionFactory(scoring=scoring, indicator="directory.listings")
    ScoringTierFactory(scoring=scoring, districts=2, prize=10)
    ranking = selectors.live_ranking(staff_user(), scoring)
    assert ranking.problems == []
    assert [(e.rank, e.score, e.tier, e.prize) for e in ranking.entries] == [
        (1, Decimal(0), None, 0)
    ] * 3
    assert ranking.total_prize == 0 and ranking.planned_prize == 20
