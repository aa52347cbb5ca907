"""The public register: searchable with one filter form for the page, its CSV and the API;
public fields only; downloadable by anyone as CSV that Korean Excel opens; history with numbers."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.designation import services
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.models import MemberRole, OrganizationKind
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory

from .factories import ready_to_decide, under_review, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def register_world():
    _organization, _owner, _editor, staff = world()
    made = {}
    for key, name_ko, name_en, kind, applicant_type, designation_kind in (
        (
            "tools",
            "공구도서관",
            "Tool Library",
            OrganizationKind.COOPERATIVE,
            "cooperative",
            "enterprise",
        ),
        (
            "books",
            "책나눔",
            "Book Share",
            OrganizationKind.NONPROFIT,
            "nonprofit_group",
            "organization",
        ),
        ("hidden", "숨은단체", "Hidden", OrganizationKind.COOPERATIVE, "cooperative", "enterprise"),
    ):
        owner = UserFactory()
        organization = OrganizationFactory(name_ko=name_ko, name_en=name_en, kind=kind)
        MembershipFactory(organization=organization, user=owner, role=MemberRole.OWNER)
        application = under_review(
            organization,
            owner,
            staff,
            applicant_type=applicant_type,
            kind=designation_kind,
            **({"registration_type": "nonprofit"} if "nonprofit" in applicant_type else {}),
        )
        application = ready_to_decide(application, staff)
        made[key] = services.approve_application(actor=staff, application=application)
    services.suspend_designation(actor=staff, designation=made["books"], reason="점검")
    hidden = made["hidden"].organization
    type(hidden).objects.filter(pk=hidden.pk).update(moderation_status=ModerationStatus.HIDDEN)
    return made


def numbers(response) -> set[str]:
    return {row["number"] for row in response.json()["results"]}


def test_one_filter_form_for_page_csv_and_api(client, register_world):
    tools, books = register_world["tools"].number, register_world["books"].number
    page = client.get(reverse("designation:register"))
    body = page.content.decode()
    assert tools in body and books in body
    assert register_world["hidden"].number not in body  # a hidden organization is not public
    for query, expected in (
        ({"q": "공구"}, {tools}),
        ({"q": "book"}, {books}),
        ({"q": tools}, {tools}),
        ({"kind": "organization"}, {books}),
        ({"status": "suspended"}, {books}),
        ({"status": "active"}, {tools}),
    ):
        assert numbers(client.get("/api/v1/designation/designations", query)) == expected, query
        body = client.get(reverse("designation:register"), query).content.decode()
        for number in {tools, books}:
            assert (f">{number}</a>" in body) == (number in expected), (query, number)
        exported = client.get(reverse("designation:register_csv"), query)
        rows = list(
            csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig")))
        )
        assert {row[0] for row in rows[1:]} == expected, query
    bad = client.get("/api/v1/designation/designations", {"kind": "bank"})
    assert bad.status_code == 422 and "kind" in bad.json()["errors"]
    page = client.get(reverse("designation:register"), {"kind": "bank"})
    assert page.status_code == 200 and "errorlist" in page.content.decode()
    schema = client.get("/api/v1/openapi.json").json()
    parameters = schema["paths"]["/api/v1/designation/designations"]["get"]["parameters"]
    assert {"q", "kind", "status", "page"} <= {parameter["name"] for parameter in parameters}


def test_csv_is_public_utf8_with_bom_and_public_fields_only(client, register_world):
    response = client.get(reverse("designation:register_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment")
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows[0]) == 8 and len(rows) == 3  # header, two public designations
    tools = register_world["tools"]
    row = next(r for r in rows if r[0] == tools.number)
    assert row[1:3] == ["공구도서관", "Tool Library"]
    assert row[4:6] == [tools.designated_on.isoformat(), tools.valid_until.isoformat()]
    for secret in (tools.verification_code, tools.printed_code, "김나눔", "123-45-67891"):
        assert secret not in raw.decode("utf-8-sig")
    korean = client.get(reverse("designation:register_csv"), {"encoding": "cp949"})
    assert b"".join(korean.streaming_content).decode("cp949").startswith("지정번호")
    assert (
        client.get(reverse("designation:register_csv"), {"encoding": "latin9"}).status_code == 422
    )


def test_the_register_is_linked_from_the_footer_and_the_organization_page(client, register_world):
    register = reverse("designation:register")
    home = client.get("/ko/").content.decode()
    assert f'href="{register}"' in home
    organization = register_world["tools"].organization
    page = client.get(organization.get_absolute_url()).content.decode()
    assert f'href="{register}"' in page and register_world["tools"].number in page


def test_the_history_names_the_number(client, register_world):
    designation = register_world["tools"]
    with translation.override("ko"):
        body = client.get(designation.get_absolute_url()).content.decode()
    assert "(제호)" not in body and f"(제{designation.number}호)" in body
    body = client.get(f"/en{designation.get_absolute_url()[3:]}").content.decode()
    assert "(No. )" not in body and f"(No. {designation.number})" in body


def test_renewed_history_names_the_new_number():
    from sharehub.core.models import AuditEntry
    from sharehub.designation.history import describe

    entry = AuditEntry(
        action="designation.renewed", data={"renewed_by": "2029-0003", "number": "2026-0001"}
    )
    with translation.override("en"):
        assert "2029-0003" in describe(entry) and "2026-0001" not in describe(entry)


def test_register_page_and_csv_for_anyone_signed_in_or_not(client, register_world):
    for user in (None, UserFactory()):
        if user:
            client.force_login(user)
        assert client.get(reverse("designation:register")).status_code == 200
        assert client.get(reverse("designation:register_csv")).status_code == 200
