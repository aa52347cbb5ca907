"""The official statistics pages: the public list and values, the staff's import (preview, then
confirm once) and indicator editor, and who may reach them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.opendata.models import OfficialIndicator, Statistic, StatisticImport
from sharehub.opendata.tests.factories import OfficialIndicatorFactory, StatisticFactory
from sharehub.organizations.tests.factories import organization_owned_by
from sharehub.places.tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    with translation.override("ko"):
        return reverse(f"opendata:{name}", args=args)


@pytest.fixture
def population():
    return OfficialIndicatorFactory(
        code="population",
        name_ko="주민등록 인구",
        name_en="Registered population",
        definition_ko="주민등록상 인구",
        source_ko="행정안전부 주민등록 인구통계",
    )


def csv_file(text: str, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile("인구.csv", text.encode(encoding), content_type="text/csv")


def test_public_pages(client, population):
    gangnam = DistrictFactory(code="11680", name_ko="강남구")
    StatisticFactory(
        indicator=population,
        district=gangnam,
        period="2024",
        starts=date(2024, 1, 1),
        value=Decimal("556000"),
    )
    page = client.get(url("statistics"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "주민등록 인구" in text and "행정안전부 주민등록 인구통계" in text and "556,000" in text
    assert url("statistics_import") not in text  # staff links stay with staff
    detail = client.get(url("official_indicator", "population"))
    assert detail.status_code == 200 and "556,000" in detail.content.decode()
    assert client.get(url("official_indicator", "population"), {"start": "x"}).status_code == 200
    assert client.get(url("official_indicator", "nothing")).status_code == 404


def test_list_queries_are_bounded(client, django_assert_max_num_queries):
    def fill(n: int) -> None:
        for i in range(n):
            indicator = OfficialIndicatorFactory()
            StatisticFactory(indicator=indicator, period=f"{2000 + i}", starts=date(2000 + i, 1, 1))

    fill(2)
    with django_assert_max_num_queries(8):
        assert client.get(url("statistics")).status_code == 200
    fill(20)
    with django_assert_max_num_queries(8):
        assert client.get(url("statistics")).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "citizen", "member"])
def test_staff_pages_forbidden(client, population, who):
    if who == "citizen":
        client.force_login(UserFactory())
    elif who == "member":
        owner = UserFactory()
        organization_owned_by(owner)
        client.force_login(owner)
    for name, args in (
        ("statistics_import", ()),
        ("official_indicator_create", ()),
        ("official_indicator_edit", ("population",)),
    ):
        response = client.get(url(name, *args))
        assert response.status_code in (302, 403)
        if who != "anonymous":
            assert response.status_code == 403
    response = client.post(url("statistics_import"), {"file": csv_file("indicator,period,value\n")})
    assert response.status_code in (302, 403)
    response = client.post(url("statistics_import_confirm"), {"token": "x"})
    assert response.status_code in (302, 403)
    response = client.post(url("official_indicator_create"), {"code": "x", "name_ko": "x"})
    assert response.status_code in (302, 403)
    assert not OfficialIndicator.objects.filter(code="x").exists()


def test_import_preview_then_confirm_once(client, city_staff, population):
    DistrictFactory(code="11680", name_ko="강남구", name_en="Gangnam-gu", slug="gangnam-gu")
    client.force_login(city_staff)
    assert client.get(url("statistics_import")).status_code == 200
    text = '지표,자치구,기간,값\npopulation,강남구,2024,"556,000"\npopulation,,2024,"9,386,034"\n'
    response = client.post(url("statistics_import"), {"file": csv_file(text, "cp949")})
    assert response.status_code == 200
    token = response.context["parsed"].token
    assert token and not Statistic.objects.exists()
    response = client.post(url("statistics_import_confirm"), {"token": token})
    assert response.status_code == 302
    assert Statistic.objects.count() == 2 and StatisticImport.objects.count() == 1
    response = client.post(url("statistics_import_confirm"), {"token": token}, follow=True)
    assert StatisticImport.objects.count() == 1
    assert "이미" in response.content.decode() or "already" in response.content.decode()


def test_import_errors_are_shown_and_nothing_written(client, city_staff, population):
    client.force_login(city_staff)
    text = "indicator,district,period,value\npopulation,Atlantis-gu,2024,abc\n"
    response = client.post(url("statistics_import"), {"file": csv_file(text)})
    assert response.status_code == 400
    parsed = response.context["parsed"]
    assert not parsed.token and set(parsed.rows[0].errors) == {"district", "value"}
    assert 'id="row-2"' in response.content.decode()
    response = client.post(url("statistics_import"), {"file": csv_file("a,b\n1,2\n")})
    assert response.status_code == 400 and response.context["parsed"].file_errors
    response = client.post(url("statistics_import"), {})
    assert response.status_code == 400
    assert not Statistic.objects.exists() and not StatisticImport.objects.exists()


def test_indicator_create_and_edit(client, city_staff, population):
    client.force_login(city_staff)
    assert client.get(url("official_indicator_create")).status_code == 200
    response = client.post(
        url("official_indicator_create"),
        {"code": "area", "name_ko": "면적", "name_en": "Area", "unit_ko": "km²"},
    )
    assert response.status_code == 302
    assert OfficialIndicator.objects.get(code="area").name_en == "Area"
    response = client.post(url("official_indicator_create"), {"code": "area", "name_ko": "x"})
    assert response.status_code == 400 and "code" in response.context["form"].errors
    response = client.post(
        url("official_indicator_edit", "population"),
        {"code": "population", "name_ko": "인구", "name_en": "Population"},
    )
    assert response.status_code == 302
    assert OfficialIndicator.objects.get(code="population").name_ko == "인구"


@pytest.mark.django_db
def test_the_indicator_form_labels_each_languages_field_with_its_language():
    from django.utils import translation

    from sharehub.opendata.forms_statistics import OfficialIndicatorForm

    with translation.override("ko"):
        form = OfficialIndicatorForm()
    assert form.fields["unit_en"].label == "영어 단위"
    assert not [f for f in form.fields.values() if str(f.label).endswith(("[ko]", "[en]"))]
