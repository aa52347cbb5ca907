"""The public CSV of the directory: anyone, public rows only, Korean Excel, streamed."""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from sharehub.accounts.tests.factories import UserFactory, give_totp
from sharehub.directory import exports
from sharehub.directory.models import Category
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory
from sharehub.places.tests.factories import DistrictFactory

from .factories import AddressFactory, ListingFactory

pytestmark = pytest.mark.django_db

URL = "/ko/directory/export.csv"


def download(client, url: str = URL) -> tuple[StreamingHttpResponse, bytes]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert isinstance(response, StreamingHttpResponse)
    return response, b"".join(response.streaming_content)


def rows_of(data: bytes, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode(encoding), newline="")))


@pytest.fixture
def directory(db):
    seocho = DistrictFactory(slug="seocho-gu", name_ko="서초구", name_en="Seocho-gu")
    space = Category.objects.get(slug="space")
    public = ListingFactory(
        organization__name_ko="서초 공유센터",
        organization__name_en="Share",
        organization__kind="enterprise",
    )
    public.categories.add(space)
    public.districts_served.add(seocho)
    AddressFactory(listing=public, address="서울 서초구 1", latitude=37.48, longitude=127.03)
    unpublished = {
        status: ListingFactory(organization__moderation_status=status)
        for status in (ModerationStatus.PENDING, ModerationStatus.REJECTED, ModerationStatus.HIDDEN)
    }
    # A listing waiting for review (or hidden) under a published organization is not public either.
    unpublished["listing pending"] = ListingFactory(moderation_status=ModerationStatus.PENDING)
    unpublished["listing hidden"] = ListingFactory(moderation_status=ModerationStatus.HIDDEN)
    return public, unpublished


def test_anyone_gets_the_public_rows_only(client, directory):
    public, unpublished = directory
    # Anonymous, and a member or city staff too: the download is the public directory.
    owner = UserFactory()
    for listing in unpublished.values():
        MembershipFactory(organization=listing.organization, user=owner, role=MemberRole.OWNER)
    for user in (None, owner, give_totp(UserFactory(is_city_staff=True))):
        if user is not None:
            client.force_login(user)
        response, data = download(client)
        assert data.startswith(codecs.BOM_UTF8)
        rows = rows_of(data)
        assert [row["slug"] for row in rows] == [public.organization.slug]
        assert list(rows[0]) == exports.COLUMNS
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="directory-')


def test_korean_names_in_korean_and_english_in_english(client, directory):
    public, _unpublished = directory
    (row,) = rows_of(download(client)[1])
    assert row["name_ko"] == "서초 공유센터" and row["categories"] == "공간"
    assert row["districts_served"] == "서초구" and row["kind"] == "공유기업"
    assert (row["address"], row["latitude"], row["longitude"]) == (
        "서울 서초구 1",
        "37.48",
        "127.03",
    )
    assert row["url"] == f"http://testserver/ko/directory/{public.organization.slug}/"
    (row,) = rows_of(download(client, "/en/directory/export.csv")[1])
    assert (row["categories"], row["districts_served"], row["kind"]) == (
        "Space",
        "Seocho-gu",
        "Sharing enterprise",
    )
    assert row["url"].startswith("http://testserver/en/directory/")


def test_a_korean_address_name_is_quoted_in_the_url(client):
    listing = ListingFactory(organization__slug="서초-공유센터")
    (row,) = rows_of(download(client)[1])
    assert row["slug"] == "서초-공유센터"
    with translation.override("ko"):
        assert row["url"] == "http://testserver" + listing.get_absolute_url()
    assert row["url"].endswith(
        "/ko/directory/%EC%84%9C%EC%B4%88-%EA%B3%B5%EC%9C%A0%EC%84%BC%ED%84%B0/"
    )


def test_cp949_option_round_trips_korean(client, directory):
    public, _unpublished = directory
    public.summary_ko = "공구를 빌려요 🔧"
    public.save()
    response, data = download(client, URL + "?encoding=cp949")
    assert response["Content-Type"] == "text/csv; charset=euc-kr"
    assert "-cp949.csv" in response["Content-Disposition"]
    assert not data.startswith(codecs.BOM_UTF8)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    (row,) = rows_of(data, "cp949")
    assert row["name_ko"] == "서초 공유센터" and row["districts_served"] == "서초구"
    assert row["summary_ko"] == "공구를 빌려요 ?"  # CP949 has no emoji


def test_formula_injection_is_guarded(client, directory):
    public, _unpublished = directory
    organization = public.organization
    organization.name_en = '=HYPERLINK("http://evil.example","click")'
    organization.save()
    public.summary_ko, public.summary_en, public.phone = "@SUM(1)", "-2+3", "+82-2-120"
    public.save()
    public.addresses.update(longitude=-0.5)
    (row,) = rows_of(download(client)[1])
    assert row["name_en"] == "'" + organization.name_en
    assert (row["summary_ko"], row["summary_en"], row["phone"]) == (
        "'@SUM(1)",
        "'-2+3",
        "'+82-2-120",
    )
    assert row["longitude"] == "-0.5"  # a number stays a number


def test_the_list_filters_apply_and_bad_values_are_422(client, directory):
    public, _unpublished = directory
    ListingFactory(organization__name_ko="다른 곳")
    assert len(rows_of(download(client)[1])) == 2
    rows = rows_of(download(client, URL + "?category=space")[1])
    assert [row["slug"] for row in rows] == [public.organization.slug]
    response = client.get("/en" + URL[3:] + "?category=nope&encoding=latin-1")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"category", "encoding"} and "cp949" in errors["encoding"][0]


def test_streamed_in_chunks_with_bounded_queries(client, monkeypatch):
    """The number of queries depends on the chunks, not on the rows: no query per row."""
    space = Category.objects.get(slug="space")
    district = DistrictFactory()

    def make(count: int) -> None:
        for _ in range(count):
            listing = ListingFactory()
            listing.categories.add(space)
            listing.districts_served.add(district)
            AddressFactory(listing=listing)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            _response, data = download(client)
        return len(captured.captured_queries), len(rows_of(data))

    make(3)
    few, rows = queries()
    assert rows == 3
    make(27)
    assert queries() == (few, 30)
    # Per chunk: its categories, districts served and addresses (the listings are one query).
    monkeypatch.setattr(exports, "CHUNK", 10)
    assert queries() == (few + 2 * 3, 30)
