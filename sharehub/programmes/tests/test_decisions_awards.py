"""Transparency: the public list of awards (page, CSV, 360Giving JSON, API) shows awards only —
never an application still in review, a waitlisted or rejected one, a vote, an e-mail or a
person's name — filtered by call and year, in a bounded number of queries."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from sharehub.places.tests.factories import DistrictFactory
from sharehub.programmes.models import Award
from sharehub.programmes.services import decisions as services

from .factories import MILLION, open_call, staff_user
from .test_decisions import at_committee, vote

pytestmark = pytest.mark.django_db

SECRET_NAME = "비밀스러운 신청인"
SECRET_EMAIL = "secret.applicant"  # each applicant's address starts with it
JSON = "application/json"


def _url(name: str) -> str:
    with translation.override("ko"):
        return reverse(f"programmes:{name}")


def award(staff, call, *, title: str, amount: int = 10 * MILLION, themed: bool = False):
    application = at_committee(call, title=title, themed=themed)
    application.owner.display_name = SECRET_NAME
    application.owner.email = f"{SECRET_EMAIL}.{application.pk}@example.org"
    application.owner.save()
    vote(staff, application)
    services.decide(actor=staff, application=application, outcome="awarded", amount=amount)
    return Award.objects.get(application=application)


@pytest.fixture
def staff():
    return staff_user()


@pytest.fixture
def world(staff):
    """Two published calls with awards, an unpublished one with an award, and applications that
    are not awards (waitlisted, rejected, before the committee)."""
    first = open_call(title_ko="첫 공모")
    second = open_call(title_ko="둘째 공모")
    hidden = open_call(title_ko="비공개 공모")
    library = award(staff, first, title="공구 도서관", amount=20 * MILLION)
    organization = library.application.organization
    organization.district = DistrictFactory(name_ko="마포구", name_en="Mapo-gu")
    organization.save()
    award(staff, first, title="주차장 공유", amount=15 * MILLION, themed=True)
    old = award(staff, second, title="옷장 공유", amount=5 * MILLION)
    Award.objects.filter(pk=old.pk).update(awarded_on=datetime.date(2024, 5, 1))
    award(staff, hidden, title="숨은 사업")
    hidden.published_at = None
    hidden.save()
    waitlisted = at_committee(first, title="예비 사업")
    services.decide(actor=staff, application=waitlisted, outcome="waitlisted", reason="예비")
    rejected = at_committee(first, title="탈락 사업")
    services.decide(actor=staff, application=rejected, outcome="rejected", reason="부적합")
    at_committee(first, title="심의 중 사업")
    return {"first": first, "second": second, "hidden": hidden}


NOT_PUBLIC = (
    "숨은 사업",
    "예비 사업",
    "탈락 사업",
    "심의 중 사업",
    SECRET_NAME,
    SECRET_EMAIL,
    "김위원",
)


def test_the_awards_page(client, world):
    page = client.get(_url("awards"))
    assert page.status_code == 200 and 'lang="ko"' in page.text
    for title in ("공구 도서관", "주차장 공유", "옷장 공유"):
        assert title in page.text
    for secret in NOT_PUBLIC:
        assert secret not in page.text
    assert "20,000,000" in page.text and "35,000,000" in page.text  # an award, a call's total
    assert 'type="text/csv"' in page.text and 'type="application/json"' in page.text


def test_filters_by_call_and_year(client, world):
    by_call = client.get(_url("awards"), {"call": world["second"].slug})
    assert "옷장 공유" in by_call.text and "공구 도서관" not in by_call.text
    by_year = client.get(_url("awards"), {"year": "2024"})
    assert "옷장 공유" in by_year.text and "공구 도서관" not in by_year.text
    this_year = client.get(_url("awards"), {"year": str(timezone.localdate().year)})
    assert "공구 도서관" in this_year.text and "옷장 공유" not in this_year.text
    # An unknown call or year is a shown error, never a 500; the list stays.
    bad = client.get(_url("awards"), {"call": world["hidden"].slug, "year": "abc"})
    assert bad.status_code == 200 and "errorlist" in bad.text and "숨은 사업" not in bad.text


def test_the_page_runs_a_bounded_number_of_queries(client, staff, django_assert_max_num_queries):
    call = open_call(budget=1000 * MILLION)
    for n in range(3):
        award(staff, call, title=f"사업 {n}", amount=MILLION)
    with django_assert_max_num_queries(12) as few:
        assert client.get(_url("awards")).status_code == 200
    other = open_call(budget=1000 * MILLION)
    for n in range(25):
        award(staff, other if n % 2 else call, title=f"더 많은 사업 {n}", amount=MILLION)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(_url("awards")).status_code == 200


def test_the_csv(client, world):
    response = client.get(_url("awards_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert "공구 도서관" in text and "20000000" in text and "360G-sharehub-" in text
    assert len(text.strip().splitlines()) == 4  # the header and three awards
    for secret in NOT_PUBLIC:
        assert secret not in text
    cp949 = client.get(_url("awards_csv"), {"encoding": "cp949"})
    assert "공구 도서관" in b"".join(cp949.streaming_content).decode("cp949")
    filtered = client.get(_url("awards_csv"), {"call": world["second"].slug})
    assert "공구 도서관" not in b"".join(filtered.streaming_content).decode("utf-8-sig")
    assert client.get(_url("awards_csv"), {"encoding": "latin9"}).status_code == 422


def test_the_360giving_package(client, world, settings):
    settings.SHAREHUB_360GIVING_PREFIX = "360G-seoul"
    response = client.get(_url("awards_json"))
    assert response.status_code == 200 and response["Content-Type"].startswith(JSON)
    package = response.json()
    grants = package["grants"]
    assert len(grants) == 3 and package["publisher"]["name"] == "서울특별시"
    required = {
        "id",
        "title",
        "description",
        "currency",
        "amountAwarded",
        "awardDate",
        "recipientOrganization",
        "fundingOrganization",
    }
    for grant in grants:
        assert required <= grant.keys()
        assert grant["id"].startswith("360G-seoul-") and grant["currency"] == "KRW"
        assert isinstance(grant["amountAwarded"], int)
        datetime.date.fromisoformat(grant["awardDate"])
        assert grant["recipientOrganization"][0].keys() >= {"id", "name"}
        assert grant["fundingOrganization"][0] == {"id": "360G-seoul-city", "name": "서울특별시"}
        assert grant["grantProgramme"][0]["code"] in {world["first"].slug, world["second"].slug}
    library = next(grant for grant in grants if grant["title"] == "공구 도서관")
    assert library["beneficiaryLocation"] == [{"name": "마포구", "countryCode": "KR"}]
    assert len({grant["id"] for grant in grants}) == 3
    text = json.dumps(package, ensure_ascii=False)
    for secret in NOT_PUBLIC:
        assert secret not in text
    by_year = client.get(_url("awards_json"), {"year": "2024"}).json()["grants"]
    assert [grant["title"] for grant in by_year] == ["옷장 공유"]


def test_the_api(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        listed = client.get("/api/v1/programmes/awards")
    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 3
    first = body["results"][0]
    assert first.keys() >= {"id", "call", "organization", "title", "amount", "awarded_on", "track"}
    text = json.dumps(body, ensure_ascii=False)
    for secret in NOT_PUBLIC:
        assert secret not in text
    by_call = client.get("/api/v1/programmes/awards", {"call": world["second"].slug}).json()
    assert [a["title"] for a in by_call["results"]] == ["옷장 공유"]
    bad = client.get("/api/v1/programmes/awards", {"year": "abc"})
    assert bad.status_code == 422 and "year" in bad.json()["errors"]
    giving = client.get("/api/v1/programmes/awards/360giving")
    assert giving.status_code == 200 and len(giving.json()["grants"]) == 3
