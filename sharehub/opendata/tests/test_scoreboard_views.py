"""The scoreboard's pages and API: the public list and ranking (drafts never shown), the staff's
pages and their forbidden paths, the rows form (field errors, nothing written), publishing with
its confirm step, and bounded queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.opendata.models import RankingEntry, Scoring, ScoringStatus
from sharehub.opendata.services import scoreboard as services
from sharehub.opendata.tests.factories import (
    OfficialIndicatorFactory,
    ScoringCriterionFactory,
    ScoringFactory,
    StatisticFactory,
)
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory
from sharehub.places.tests.factories import DistrictFactory

from .test_scoreboard import City, staff_user, statistic

pytestmark = pytest.mark.django_db


def _url(name: str, lang: str = "ko", **kwargs) -> str:
    with translation.override(lang):
        return reverse(f"opendata:{name}", kwargs=kwargs or None)


@pytest.fixture
def city():
    return City()


@pytest.fixture
def staff(client):
    user = staff_user()
    client.force_login(user)
    return user


def _published(city, staff_member, **fields) -> Scoring:
    scoring = city.scoring(**fields)
    return services.publish_scoring(actor=staff_member, scoring=scoring)


# --- public ------------------------------------------------------------------------------------


def test_the_public_list_and_ranking_show_published_scorings_only(client, city):
    published = _published(city, staff_user(), title_ko="2025년 평가")
    draft = city.scoring(title_ko="비공개 초안")
    page = client.get(_url("scoreboard")).content.decode()
    assert "2025년 평가" in page and "비공개 초안" not in page
    assert "가구" in page  # the first-ranked district
    assert client.get(_url("scoring", slug=draft.slug)).status_code == 404
    ranking = client.get(_url("scoring", slug=published.slug))
    assert ranking.status_code == 200
    html = ranking.content.decode()
    for text in ("76.000", "68.000", "60.000", "최우수", "50,000,000원", "80,000,000원"):
        assert text in html, text
    # The breakdown: a table per district with its caption and each figure.
    assert 'id="district-91001"' in html and "<caption" in html and "주민 10 × 1만 명" in html


def test_the_ranking_page_in_english_shows_the_change_in_words(client, city):
    staff_member = staff_user()
    last_year = ScoringFactory(period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 12, 31))
    ScoringCriterionFactory(scoring=last_year, indicator="official:shared-rooms")
    statistic("shared-rooms", city.a, "2024", 1)
    statistic("shared-rooms", city.b, "2024", 2)
    services.publish_scoring(actor=staff_member, scoring=last_year)  # 2024: C (999), B, A
    this_year = _published(city, staff_member)
    html = client.get(_url("scoring", lang="en", slug=this_year.slug)).content.decode()
    assert "▲" in html and "up 2 (was 3)" in html
    assert "▼" in html and "down 2 (was 1)" in html
    assert "Rules as published" in html and "Per 10,000 residents" in html


def test_the_api_lists_published_rankings_with_breakdown_and_hides_drafts(client, city):
    published = _published(city, staff_user())
    draft = city.scoring()
    listed = client.get("/api/v1/data/scoreboard").json()
    assert [s["slug"] for s in listed["results"]] == [published.slug]
    detail = client.get(f"/api/v1/data/scoreboard/{published.slug}").json()
    first = detail["entries"][0]
    assert first["district"]["code"] == "91001" and Decimal(first["score"]) == 76
    assert first["prize"] == 50_000_000 and first["tier"] == 1
    assert Decimal(first["breakdown"][1]["normalised"]) == 3
    assert detail["rules"]["criteria"][1]["normalisation"] == "population"
    assert detail["total_prize"] == 80_000_000
    missing = client.get(f"/api/v1/data/scoreboard/{draft.slug}")
    assert missing.status_code == 404 and "detail" in missing.json()


# --- forbidden paths ---------------------------------------------------------------------------


def _staff_pages(scoring: Scoring) -> list[tuple[str, bool]]:
    """Each staff page and whether it takes a POST (the others answer a POST with 405)."""
    return [
        (_url("manage_scorings"), False),
        (_url("scoring_new"), True),
        (_url("scoring_preview", slug=scoring.slug), False),
        (_url("scoring_edit", slug=scoring.slug), True),
        (_url("scoring_publish", slug=scoring.slug), True),
        (_url("scoring_delete", slug=scoring.slug), True),
    ]


@pytest.mark.parametrize("who", ["anonymous", "citizen", "member"])
def test_staff_pages_refuse_everyone_else(client, city, who):
    draft = city.scoring(title_ko="비공개 초안")
    if who == "citizen":
        client.force_login(UserFactory())
    elif who == "member":
        client.force_login(MembershipFactory(role=MemberRole.OWNER).user)
    for url, writes in _staff_pages(draft):
        for method in (client.get, client.post) if writes else (client.get,):
            response = method(url, _post_data() if method == client.post else None)
            if who == "anonymous":
                assert response.status_code == 302 and "login" in response["Location"], url
            else:
                assert response.status_code == 403, url
                assert "비공개 초안" not in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ScoringStatus.DRAFT and draft.title_ko == "비공개 초안"
    assert Scoring.objects.count() == 1 and not RankingEntry.objects.exists()


# --- staff -------------------------------------------------------------------------------------


def _management(prefix: str, total: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "50",
    }


def _post_data(**overrides) -> dict[str, str]:
    data = {
        "slug": "sharing-2025",
        "title_ko": "2025년 자치구 공유촉진 평가",
        "title_en": "District sharing evaluation 2025",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "relative_share": "50",
        **_management("criteria", 3),
        "criteria-0-indicator": "directory.listings",
        "criteria-0-weight": "40",
        "criteria-0-normalisation": "none",
        "criteria-1-indicator": "official:shared-rooms",
        "criteria-1-weight": "60",
        "criteria-1-normalisation": "population",
        "criteria-1-target": "5",
        **_management("tiers", 2),
        "tiers-0-name_ko": "최우수",
        "tiers-0-districts": "1",
        "tiers-0-prize": "50000000",
    }
    data.update(overrides)
    return data


def test_staff_create_preview_and_publish_with_a_confirm_step(client, city, staff):
    response = client.post(_url("scoring_new"), _post_data())
    assert response.status_code == 302
    scoring = Scoring.objects.get(slug="sharing-2025")
    assert scoring.criteria.count() == 2 and scoring.tiers.count() == 1
    preview = client.get(_url("scoring_preview", slug=scoring.slug)).content.decode()
    assert "76.000" in preview and "staff-note" in preview
    confirm = client.get(_url("scoring_publish", slug=scoring.slug))
    assert confirm.status_code == 200 and not RankingEntry.objects.exists()
    assert 'method="post"' in confirm.content.decode()
    client.post(_url("scoring_publish", slug=scoring.slug))
    scoring.refresh_from_db()
    assert scoring.status == ScoringStatus.PUBLISHED
    assert RankingEntry.objects.filter(scoring=scoring).count() == 3
    # Frozen: the edit page and a posted edit change nothing.
    client.post(_url("scoring_edit", slug=scoring.slug), _post_data(title_ko="바뀜"))
    scoring.refresh_from_db()
    assert scoring.title_ko == "2025년 자치구 공유촉진 평가"
    listed = client.get(_url("manage_scorings")).content.decode()
    assert "2025년 자치구 공유촉진 평가" in listed


def test_bad_rows_show_field_errors_beside_their_row_and_write_nothing(client, city, staff):
    response = client.post(
        _url("scoring_new"),
        _post_data(
            **{
                "criteria-1-target": "0",
                "criteria-2-indicator": "directory.listings",
                "criteria-2-weight": "10",
                "criteria-2-normalisation": "none",
                "tiers-0-prize": "-5",
                "period_end": "2024-01-01",
            }
        ),
    )
    assert response.status_code == 422
    assert not Scoring.objects.filter(slug="sharing-2025").exists()
    html = response.content.decode()
    assert "기간" in html or "period" in html.lower()
    form = response.context["form"]
    assert "period_end" in form.errors
    tiers = response.context["tiers"]
    assert "prize" in tiers.forms[0].errors
    # The form's own checks pass for these; the service's go back to their rows.
    response = client.post(
        _url("scoring_new"),
        _post_data(
            **{
                "criteria-1-target": "0",
                "criteria-2-indicator": "directory.listings",
                "criteria-2-weight": "10",
                "criteria-2-normalisation": "none",
            }
        ),
    )
    assert response.status_code == 422
    criteria = response.context["criteria"]
    assert "target" in criteria.forms[1].errors
    assert "indicator" in criteria.forms[2].errors
    assert not Scoring.objects.filter(slug="sharing-2025").exists()


def test_a_draft_is_deleted_with_a_confirm_step(client, city, staff):
    draft = city.scoring()
    assert client.get(_url("scoring_delete", slug=draft.slug)).status_code == 200
    assert Scoring.objects.filter(pk=draft.pk).exists()
    client.post(_url("scoring_delete", slug=draft.slug))
    assert not Scoring.objects.filter(pk=draft.pk).exists()


def test_the_publish_page_says_what_is_missing(client, city, staff):
    DistrictFactory(code="91009", name_ko="마구")
    draft = city.scoring()
    html = client.get(_url("scoring_publish", slug=draft.slug)).content.decode()
    assert "마구" in html and 'aria-describedby="publish-blocked"' in html
    client.post(_url("scoring_publish", slug=draft.slug))
    draft.refresh_from_db()
    assert draft.status == ScoringStatus.DRAFT and not RankingEntry.objects.exists()


# --- bounded queries ---------------------------------------------------------------------------


def _many(count: int) -> None:
    staff_member = staff_user()
    indicator = OfficialIndicatorFactory(code="rooms")
    districts = [DistrictFactory() for _ in range(count)]
    for i, district in enumerate(districts):
        StatisticFactory(indicator=indicator, district=district, value=Decimal(i + 1))
    for year in range(2000, 2000 + count):
        scoring = ScoringFactory(period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31))
        ScoringCriterionFactory(scoring=scoring, indicator="official:rooms")
        StatisticFactory.reset_sequence()
        for i, district in enumerate(districts):
            StatisticFactory(
                indicator=indicator,
                district=district,
                period=str(year),
                starts=dt.date(year, 1, 1),
                value=Decimal(i + 1),
            )
        services.publish_scoring(actor=staff_member, scoring=scoring)


@pytest.mark.parametrize("count", [2, 6])
def test_the_list_and_ranking_pages_run_a_bounded_number_of_queries(
    client, count, django_assert_max_num_queries
):
    _many(count)
    last = Scoring.objects.order_by("-period_end").first()
    with django_assert_max_num_queries(8):
        assert client.get(_url("scoreboard")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(_url("scoring", slug=last.slug)).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/data/scoreboard").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(f"/api/v1/data/scoreboard/{last.slug}").status_code == 200
