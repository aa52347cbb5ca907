"""What the city asks of an application: the registration number and its check digit, the six
months of sharing activity, the details that go together and the documents each type needs."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sharehub.core.validators import (
    business_number_check_digit,
    format_registration_number,
    validate_business_number,
    validate_nonprofit_number,
)
from sharehub.designation import services
from sharehub.designation.models import REQUIRED_DOCUMENTS, ApplicantType, DocumentType
from sharehub.designation.rules import add_months, latest_activity_start
from sharehub.organizations.models import MemberRole, OrganizationKind
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory

from .factories import attach_required, details, draft_application, pdf, world

# Real, published business registration numbers (a portal, an electronics maker, a retailer).
VALID = ["220-81-62517", "124-81-00998", "1078155843", "120 81 47521"]


@pytest.mark.parametrize("number", VALID)
def test_business_numbers_with_a_right_check_digit_pass(number):
    validate_business_number(number)
    assert format_registration_number(number) == (
        f"{number.replace('-', '').replace(' ', '')[:3]}-"
        f"{number.replace('-', '').replace(' ', '')[3:5]}-"
        f"{number.replace('-', '').replace(' ', '')[5:]}"
    )


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("220-81-62518", "registration_check_digit"),  # last digit off by one
        ("124-81-00990", "registration_check_digit"),
        ("220-81-6251", "registration_format"),  # nine digits
        ("220-81-625177", "registration_format"),  # eleven
        ("22O-81-62517", "registration_format"),  # a letter O
        ("２２０８１６２５１７", "registration_format"),  # full-width digits
        ("", "registration_format"),
    ],
)
def test_wrong_business_numbers_are_refused_with_a_reason(number, code):
    with pytest.raises(ValidationError) as refused:
        validate_business_number(number)
    assert refused.value.code == code


def test_every_wrong_check_digit_is_caught():
    first_nine = "220816251"
    right = business_number_check_digit(first_nine)
    for digit in range(10):
        number = first_nine + str(digit)
        if digit == right:
            validate_business_number(number)
        else:
            with pytest.raises(ValidationError):
                validate_business_number(number)


def test_nonprofit_numbers_are_checked_for_their_shape_only():
    validate_nonprofit_number("104-82-12345")
    validate_nonprofit_number("1048212345")
    for bad in ("104-82-1234", "abc-de-fghij", "104-82-123456"):
        with pytest.raises(ValidationError):
            validate_nonprofit_number(bad)


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(datetime.date(2026, 8, 31), -6) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2028, 8, 31), -6) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2026, 3, 15), -6) == datetime.date(2025, 9, 15)
    assert add_months(datetime.date(2026, 1, 10), 13) == datetime.date(2027, 2, 10)


@pytest.mark.django_db
def test_six_months_of_sharing_activity_are_required_at_submission(settings):
    organization, owner, _editor, _staff = world()
    today = timezone.localdate()
    limit = latest_activity_start(today)
    application = draft_application(
        organization, owner, sharing_since=limit + datetime.timedelta(days=1)
    )
    attach_required(application, owner)
    with pytest.raises(ValidationError) as refused:
        services.submit_application(actor=owner, application=application)
    assert set(refused.value.error_dict) == {"sharing_since"}
    services.update_application(actor=owner, application=application, sharing_since=limit)
    submitted = services.submit_application(actor=owner, application=application)
    assert submitted.status == "submitted"
    # the city may ask for more
    settings.SHAREHUB_DESIGNATION_MIN_ACTIVITY_MONTHS = 12
    assert latest_activity_start(today) == add_months(today, -12)


@pytest.mark.django_db
def test_a_registration_number_with_a_wrong_check_digit_is_a_field_error():
    organization, owner, _editor, _staff = world()
    with pytest.raises(ValidationError) as refused:
        draft_application(organization, owner, registration_number="220-81-62518")
    assert set(refused.value.error_dict) == {"registration_number"}
    application = draft_application(organization, owner, registration_number="2208162517")
    assert application.registration_number == "220-81-62517"


@pytest.mark.django_db
def test_dates_in_the_future_are_refused():
    organization, owner, _editor, _staff = world()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        draft_application(organization, owner, founded_on=tomorrow, sharing_since=tomorrow)
    assert set(refused.value.error_dict) == {"founded_on", "sharing_since"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("org_kind", "allowed"),
    [
        (OrganizationKind.ENTERPRISE, {"company", "social_enterprise"}),
        (OrganizationKind.COOPERATIVE, {"cooperative", "social_enterprise"}),
        (
            OrganizationKind.NONPROFIT,
            {"nonprofit_corporation", "nonprofit_group", "social_enterprise"},
        ),
        (OrganizationKind.COMMUNITY, {"nonprofit_group"}),
        (OrganizationKind.PUBLIC, set()),
    ],
)
def test_the_applicant_type_follows_the_organization_kind(org_kind, allowed):
    _organization, owner, _editor, _staff = world()
    organization = OrganizationFactory(kind=org_kind)
    MembershipFactory(organization=organization, user=owner, role=MemberRole.OWNER)
    for applicant_type in ApplicantType.values:
        registration = {"registration_type": "nonprofit"} if "nonprofit" in applicant_type else {}
        if applicant_type in allowed:
            application = draft_application(
                organization, owner, applicant_type=applicant_type, kind="", **registration
            )
            assert application.applicant_type == applicant_type
            application.delete()
        else:
            with pytest.raises(ValidationError) as refused:
                draft_application(
                    organization, owner, applicant_type=applicant_type, kind="", **registration
                )
            assert "applicant_type" in refused.value.error_dict


@pytest.mark.django_db
def test_the_designation_sought_and_the_number_type_follow_the_applicant_type():
    _organization, owner, _editor, _staff = world()
    organization = OrganizationFactory(kind=OrganizationKind.NONPROFIT)
    MembershipFactory(organization=organization, user=owner, role=MemberRole.OWNER)
    with pytest.raises(ValidationError) as refused:
        draft_application(organization, owner, applicant_type="nonprofit_group", kind="enterprise")
    assert set(refused.value.error_dict) == {"kind"}
    application = draft_application(
        organization,
        owner,
        applicant_type="nonprofit_group",
        kind="",
        registration_type="nonprofit",
        registration_number="104-82-12345",  # a 고유번호: no check digit
    )
    assert application.kind == "organization"  # a non-profit is a sharing organization
    company = OrganizationFactory(kind=OrganizationKind.ENTERPRISE)
    MembershipFactory(organization=company, user=owner, role=MemberRole.OWNER)
    with pytest.raises(ValidationError) as refused:
        draft_application(
            company,
            owner,
            applicant_type="company",
            registration_type="nonprofit",
            registration_number="104-82-12345",
        )
    assert "registration_type" in refused.value.error_dict


def test_required_documents_per_type():
    assert DocumentType.REGISTRY not in REQUIRED_DOCUMENTS[ApplicantType.NONPROFIT_GROUP]
    assert DocumentType.ARTICLES not in REQUIRED_DOCUMENTS[ApplicantType.COMPANY]
    for applicant_type in ApplicantType.values:
        required = REQUIRED_DOCUMENTS[applicant_type]
        assert DocumentType.BUSINESS_PLAN in required
        assert DocumentType.REGISTRATION_CERTIFICATE in required
        assert DocumentType.ACTIVITY_RECORD in required
        assert DocumentType.OTHER not in required


@pytest.mark.django_db
@pytest.mark.parametrize("applicant_type", ["cooperative", "social_enterprise"])
def test_submission_names_each_missing_document_of_the_type(applicant_type):
    organization, owner, _editor, _staff = world()
    application = draft_application(organization, owner, applicant_type=applicant_type)
    services.add_document(actor=owner, application=application, upload=pdf(), document_type="other")
    with pytest.raises(ValidationError) as refused:
        services.submit_application(actor=owner, application=application)
    messages = refused.value.error_dict["file"]
    assert len(messages) == len(REQUIRED_DOCUMENTS[applicant_type])
    for document_type in REQUIRED_DOCUMENTS[applicant_type][:-1]:
        services.add_document(
            actor=owner, application=application, upload=pdf(), document_type=document_type
        )
    with pytest.raises(ValidationError) as refused:
        services.submit_application(actor=owner, application=application)
    assert len(refused.value.error_dict["file"]) == 1  # the last one still missing
    last = REQUIRED_DOCUMENTS[applicant_type][-1]
    services.add_document(actor=owner, application=application, upload=pdf(), document_type=last)
    assert services.submit_application(actor=owner, application=application).receipt_number


@pytest.mark.django_db
def test_an_unknown_document_type_is_refused():
    organization, owner, _editor, _staff = world()
    application = draft_application(organization, owner)
    with pytest.raises(ValidationError) as refused:
        services.add_document(
            actor=owner, application=application, upload=pdf(), document_type="selfie"
        )
    assert "document_type" in refused.value.error_dict


@pytest.mark.django_db
def test_submission_lists_every_missing_detail():
    organization, owner, _editor, _staff = world()
    application = services.create_application(
        actor=owner, organization=organization, activities="a", plan="b"
    )
    with pytest.raises(ValidationError) as refused:
        services.submit_application(actor=owner, application=application)
    assert {
        "representative",
        "registration_number",
        "founded_on",
        "sharing_since",
        "members_count",
        "budget_last_year",
        "file",
    } <= set(refused.value.error_dict)
    # members or staff: either is enough
    services.update_application(actor=owner, application=application, **details(members_count=None))
    attach_required(application, owner)
    assert services.submit_application(actor=owner, application=application).status == "submitted"
