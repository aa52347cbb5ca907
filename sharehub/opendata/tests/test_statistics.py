"""Official statistics: the CSV import (preview, then confirm) and the scoreboard's reader."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.opendata.models import OfficialIndicator, Period, Statistic, StatisticImport
from sharehub.opendata.selectors.statistics import official_by_district
from sharehub.opendata.services import statistics as services
from sharehub.opendata.tests.factories import OfficialIndicatorFactory, StatisticFactory
from sharehub.places.tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gangnam():
    return DistrictFactory(code="11680", slug="gangnam-gu", name_ko="강남구", name_en="Gangnam-gu")


@pytest.fixture
def jongno():
    return DistrictFactory(code="11110", slug="jongno-gu", name_ko="종로구", name_en="Jongno-gu")


@pytest.fixture
def population():
    return OfficialIndicatorFactory(
        code="population",
        name_ko="주민등록 인구",
        name_en="Registered population",
        unit_ko="명",
        unit_en="people",
        source_ko="행정안전부 주민등록 인구통계",
    )


def upload(text: str, *, encoding: str = "utf-8", name: str = "stats.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


GOOD = (
    "indicator,district,period,value,unit,source\n"
    'population,강남구,2024,"556,000",,\n'
    'population,Jongno-gu,2024-Q1,"141,223",명,KOSIS\n'
    'population,11680,2024-03,"557,123.5",,\n'
    'population,전체,2024,"9,386,034",,\n'
)


def test_preview_reads_every_form_and_writes_nothing(city_staff, population, gangnam, jongno):
    parsed = services.preview_import(actor=city_staff, upload=upload(GOOD))
    assert parsed.is_valid, [row.errors for row in parsed.rows]
    assert parsed.token
    assert [(r.district, r.period.text, r.period.kind, r.value) for r in parsed.rows] == [
        (gangnam, "2024", Period.YEAR, Decimal("556000")),
        (jongno, "2024-Q1", Period.QUARTER, Decimal("141223")),
        (gangnam, "2024-03", Period.MONTH, Decimal("557123.5")),
        (None, "2024", Period.YEAR, Decimal("9386034")),
    ]
    assert parsed.rows[0].unit == "명" and parsed.rows[0].source == "행정안전부 주민등록 인구통계"
    assert parsed.rows[1].source == "KOSIS"
    assert not Statistic.objects.exists() and not StatisticImport.objects.exists()


def test_confirm_writes_once_and_upserts(city_staff, population, gangnam, jongno):
    StatisticFactory(indicator=population, district=gangnam, period="2024", value=1)
    parsed = services.preview_import(actor=city_staff, upload=upload(GOOD))
    record = services.confirm_import(actor=city_staff, token=parsed.token)
    assert (record.rows, record.created, record.updated) == (4, 3, 1)
    assert Statistic.objects.count() == 4
    value = Statistic.objects.get(indicator=population, district=gangnam, period="2024")
    assert value.value == Decimal("556000") and value.imported == record
    assert Statistic.objects.get(district__isnull=True).starts == date(2024, 1, 1)
    assert Statistic.objects.get(period="2024-Q1").starts == date(2024, 1, 1)
    # A second confirmation of the same preview writes nothing.
    with pytest.raises(ValidationError):
        services.confirm_import(actor=city_staff, token=parsed.token)
    assert StatisticImport.objects.count() == 1 and Statistic.objects.count() == 4
    # The same file previewed and confirmed again replaces every value, adds none.
    again = services.preview_import(actor=city_staff, upload=upload(GOOD))
    record = services.confirm_import(actor=city_staff, token=again.token)
    assert (record.created, record.updated) == (0, 4) and Statistic.objects.count() == 4


def test_korean_headers_cp949_and_bom(city_staff, population, gangnam):
    text = '지표,자치구,기간,값,단위,출처\npopulation,강남,2024년 1분기,"1,000",명,행정안전부\n'
    for encoding in ("cp949", "utf-8-sig", "utf-8"):
        parsed = services.preview_import(actor=city_staff, upload=upload(text, encoding=encoding))
        assert parsed.is_valid, (encoding, parsed.file_errors, parsed.rows[0].errors)
        assert parsed.encoding == ("cp949" if encoding == "cp949" else "utf-8")
        assert parsed.rows[0].district == gangnam
        assert parsed.rows[0].period.text == "2024-Q1"


@pytest.mark.parametrize(
    "text",
    [
        "indicator,place,period,value\npopulation,강남구,2024,1\n",  # unknown column
        "district,period,value\n강남구,2024,1\n",  # indicator missing
        "indicator,지표,period,value\npopulation,population,2024,1\n",  # given twice
        "indicator,district,period,value\n",  # no rows
    ],
)
def test_wrong_columns_are_file_errors(city_staff, population, gangnam, text):
    parsed = services.preview_import(actor=city_staff, upload=upload(text))
    assert parsed.file_errors and not parsed.is_valid and not parsed.token


def test_row_errors_by_column_with_row_numbers_in_korean(city_staff, population, gangnam):
    text = (
        "indicator,district,period,value\n"
        "population,강남구,2024,100\n"
        "\n"
        "population,Atlantis-gu,2024,100\n"  # row 4: unknown district by English name
        "population,없는구,2024,100\n"  # row 5: unknown district by Korean name
        "population,강남구,2024-13,100\n"  # row 6: bad period
        "population,강남구,2023,12a\n"  # row 7: bad number
        'population,강남구,2022,"1,00"\n'  # row 8: bad separators
        "gdp,강남구,2024,1\n"  # row 9: unknown indicator
        "population,Gangnam-gu,2024,5\n"  # row 10: same as row 2
        "population,강남구,2021,1.23456\n"  # row 11: too many decimals
    )
    with translation.override("ko"):
        parsed = services.preview_import(actor=city_staff, upload=upload(text))
    errors = {row.number: row.errors for row in parsed.rows_with_errors}
    assert set(errors) == {4, 5, 6, 7, 8, 9, 10, 11}
    assert set(errors[4]) == {"district"} and "Atlantis-gu" in errors[4]["district"][0]
    assert set(errors[5]) == {"district"} and "자치구" in errors[5]["district"][0]
    assert set(errors[6]) == {"period"}
    assert set(errors[7]) == {"value"} and set(errors[8]) == {"value"}
    assert set(errors[9]) == {"indicator"}
    assert "2" in errors[10]["__all__"][0]
    assert set(errors[11]) == {"value"}
    assert not parsed.token
    assert not Statistic.objects.exists() and not StatisticImport.objects.exists()


def test_import_all_or_nothing(city_staff, population, gangnam):
    text = "indicator,district,period,value\npopulation,강남구,2024,1\npopulation,강남구,2025,x\n"
    with pytest.raises(ValidationError):
        services.import_statistics(actor=city_staff, text=text)
    assert not Statistic.objects.exists() and not StatisticImport.objects.exists()


def test_binary_or_other_encoding_is_a_file_error(city_staff, population):
    with pytest.raises(ValidationError) as error:
        services.preview_import(
            actor=city_staff, upload=upload("indicator,period,value\n", encoding="utf-16")
        )
    assert "file" in error.value.message_dict


@pytest.mark.parametrize("kind", ["anonymous", "citizen"])
def test_forbidden(kind, population):
    from django.contrib.auth.models import AnonymousUser

    actor = AnonymousUser() if kind == "anonymous" else UserFactory()
    with pytest.raises(PermissionDenied):
        services.preview_import(actor=actor, upload=upload(GOOD))
    with pytest.raises(PermissionDenied):
        services.import_statistics(actor=actor, text=GOOD)
    with pytest.raises(PermissionDenied):
        services.save_official_indicator(actor=actor, code="x", name_ko="x")


def test_token_is_the_previewers_own(city_staff, population, gangnam, jongno):
    parsed = services.preview_import(actor=city_staff, upload=upload(GOOD))
    other = UserFactory(is_city_staff=True)
    with pytest.raises(ValidationError):
        services.confirm_import(actor=other, token=parsed.token)
    assert not Statistic.objects.exists()


def test_save_official_indicator(city_staff):
    indicator = services.save_official_indicator(
        actor=city_staff, code="area", name_ko="면적", name_en="Area", unit_ko="km²"
    )
    assert OfficialIndicator.objects.get(code="area") == indicator
    with pytest.raises(ValidationError) as error:
        services.save_official_indicator(actor=city_staff, code="area", name_ko="중복")
    assert "code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.save_official_indicator(actor=city_staff, code="import", name_ko="x")
    assert "code" in error.value.message_dict
    changed = services.save_official_indicator(
        actor=city_staff, indicator=indicator, code="area", name_ko="면적(제곱킬로미터)"
    )
    assert changed.name_ko == "면적(제곱킬로미터)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", ("2024", "year", date(2024, 1, 1))),
        ("2024년", ("2024", "year", date(2024, 1, 1))),
        ("2024-Q3", ("2024-Q3", "quarter", date(2024, 7, 1))),
        ("2024q4", ("2024-Q4", "quarter", date(2024, 10, 1))),
        ("2024년 2분기", ("2024-Q2", "quarter", date(2024, 4, 1))),
        ("2024-03", ("2024-03", "month", date(2024, 3, 1))),
        ("2024.3", ("2024-03", "month", date(2024, 3, 1))),
        ("2024년 11월", ("2024-11", "month", date(2024, 11, 1))),
        ("2024-Q5", None),
        ("24", None),
        ("March 2024", None),
    ],
)
def test_parse_period(text, expected):
    parsed = services.parse_period(text)
    assert (parsed and (parsed.text, parsed.kind, parsed.starts)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234", Decimal(1234)),
        ("1234.5", Decimal("1234.5")),
        ("-3", Decimal(-3)),
        ("1,234,567.25", Decimal("1234567.25")),
        ("12,34", None),
        ("1.2.3", None),
        ("", None),
        ("1e5", None),
        ("NaN", None),
        ("100%", None),
    ],
)
def test_parse_value(text, expected):
    assert services.parse_value(text) == expected


def test_official_by_district_takes_the_latest_period_within(population, gangnam, jongno):
    def value(district, period, kind, starts, amount):
        StatisticFactory(
            indicator=population,
            district=district,
            period=period,
            period_kind=kind,
            starts=starts,
            value=Decimal(amount),
        )

    value(gangnam, "2023", Period.YEAR, date(2023, 1, 1), 500)
    value(gangnam, "2024", Period.YEAR, date(2024, 1, 1), 550)
    value(gangnam, "2024-01", Period.MONTH, date(2024, 1, 1), 540)  # ends before the year
    value(gangnam, "2025", Period.YEAR, date(2025, 1, 1), 600)  # after the period
    value(jongno, "2024-Q1", Period.QUARTER, date(2024, 1, 1), 140)
    value(jongno, "2024-12", Period.MONTH, date(2024, 12, 1), 145)
    value(None, "2024", Period.YEAR, date(2024, 1, 1), 9000)  # whole city: left out
    assert official_by_district("population", start=date(2024, 1, 1), end=date(2024, 12, 31)) == {
        "11680": Decimal(550),
        "11110": Decimal(145),
    }
    assert official_by_district("population", start=None, end=date(2023, 12, 31)) == {
        "11680": Decimal(500)
    }
    assert official_by_district("population")["11680"] == Decimal(600)
    assert official_by_district("unknown") == {}
