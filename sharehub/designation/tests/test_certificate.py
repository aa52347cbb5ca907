"""The certificate (지정서): a PDF in Korean and English with the city's name, the number, the
validity and a verification code that the public register confirms."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import formats, translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.designation import services
from sharehub.designation.certificate import certificate_pdf
from sharehub.designation.models import (
    CODE_ALPHABET,
    Designation,
    format_verification_code,
    new_verification_code,
    normalize_verification_code,
)

from .factories import designate, world
from .pdftext import pdf_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def designated():
    organization, owner, editor, staff = world()
    designation = designate(organization, owner, staff, conditions="연 1회 활동 보고")
    return designation, owner, editor, staff


def test_the_pdf_has_a_korean_and_an_english_page(designated, settings):
    settings.SHAREHUB_CITY = {**settings.SHAREHUB_CITY, "name_ko": "부산광역시", "name_en": "Busan"}
    designation, *_ = designated
    pdf = certificate_pdf(designation)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    korean, english = (" ".join(page.split()) for page in pdf_pages(pdf))  # wrapped lines joined
    organization = designation.organization
    with translation.override("ko"):
        first = formats.date_format(designation.designated_on, "DATE_FORMAT")
        last = formats.date_format(designation.valid_until, "DATE_FORMAT")
    for text in (
        "지 정 서",
        f"제{designation.number}호",
        organization.name_ko,
        "부산광역시",
        "부산광역시장",
        f"{first} – {last}".replace("  ", " "),
        "공유기업으로 지정합니다",
        "연 1회 활동 보고",
        "김나눔",  # the representative the application gave
        designation.printed_code,
        f"/ko/designation/verify/?code={designation.printed_code}",
    ):
        assert text in korean, text
    for text in (
        "Certificate of designation",
        f"No. {designation.number}",
        organization.name_en,
        "Mayor, Busan",
        designation.printed_code,
        f"/en/designation/verify/?code={designation.printed_code}",
    ):
        assert text in english, text
    assert b"/BaseFont /HYSMyeongJo-Medium" in pdf  # a reader's font: no font file embedded
    assert b"/FontFile" not in pdf


def test_codes_are_random_and_typed_forgivingly():
    codes = {new_verification_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 16 and set(code) <= set(CODE_ALPHABET) for code in codes)
    code = "0ABC1DEF2GHJ3KMN"
    printed = format_verification_code(code)
    assert printed == "0ABC-1DEF-2GHJ-3KMN"
    assert normalize_verification_code(" oabc-ldef 2ghj-3kmn ") == code


def test_the_register_confirms_a_code_and_refuses_others(client, designated):
    designation, *_ = designated
    url = reverse("designation:verify")
    page = client.get(url, {"code": designation.printed_code.lower()})
    body = page.content.decode()
    assert page.status_code == 200 and designation.number in body
    assert designation.organization.name in body and "verify-result invalid" not in body
    for wrong in ("ABCD-EFGH-JKMN-PQRS", designation.number, designation.verification_code[:-1]):
        body = client.get(url, {"code": wrong}).content.decode()
        assert "verify-result invalid" in body
        assert designation.get_absolute_url() not in body
    # a revoked designation's certificate is recognised, and shown as no longer in force
    _organization, staff = designation.organization, designated[3]
    services.revoke_designation(actor=staff, designation=designation, reason="활동 중단")
    body = client.get(url, {"code": designation.printed_code}).content.decode()
    assert designation.number in body and "verify-result invalid" in body
    api = client.get("/api/v1/designation/verify", {"code": designation.printed_code})
    assert api.status_code == 200 and api.json()["status"] == "revoked"
    assert "verification_code" not in api.json()
    assert client.get("/api/v1/designation/verify", {"code": "nope"}).status_code == 404


def test_verification_is_rate_limited(client, designated):
    url = reverse("designation:verify")
    statuses = [client.get(url, {"code": f"AAAA-{i:04d}"}).status_code for i in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 404), ("citizen", 404), ("owner", 200), ("editor", 200), ("staff", 200)],
)
def test_the_certificate_is_for_the_organization_and_city_staff(client, designated, who, status):
    designation, owner, editor, staff = designated
    people = {"anonymous": None, "citizen": UserFactory(), "owner": owner, "editor": editor}
    people["staff"] = staff
    if people[who] is not None:
        client.force_login(people[who])
    response = client.get(reverse("designation:certificate", args=[designation.number]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert designation.printed_code in pdf_pages(response.content)[0]
    api = client.get(f"/api/v1/designation/designations/{designation.number}/certificate")
    assert api.status_code == (401 if who == "anonymous" else status)


def test_designations_made_before_have_codes_too():
    organization, *_ = world()
    a = Designation.objects.create(
        organization=organization,
        number="2013-0001",
        kind="organization",
        designated_on="2013-04-01",
        valid_until="2016-03-31",
        status="expired",
    )
    assert len(a.verification_code) == 16
