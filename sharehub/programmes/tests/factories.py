"""Shared fixtures' builders for the support programmes' tests (every part uses these)."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from sharehub.accounts.tests.factories import UserFactory, give_totp
from sharehub.designation.models import Designation, DesignationKind
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory
from sharehub.programmes.models import (
    Call,
    CallKind,
    Criterion,
    FieldKind,
    FormField,
    Track,
    TrackKind,
)

_numbers = itertools.count(1)

MILLION = 1_000_000


def designate_directly(organization) -> Designation:
    """A current designation, written directly (the designation workflow has its own tests)."""
    today = timezone.localdate()
    return Designation.objects.create(
        organization=organization,
        number=f"T-{next(_numbers):05d}",
        kind=DesignationKind.ENTERPRISE,
        designated_on=today - datetime.timedelta(days=30),
        valid_until=today + datetime.timedelta(days=700),
    )


def applicant(*, designated: bool = True):
    """A published organization with an owner (and its designation, by default)."""
    owner = UserFactory()
    organization = OrganizationFactory()
    MembershipFactory(organization=organization, user=owner, role=MemberRole.OWNER)
    if designated:
        designate_directly(organization)
    return organization, owner


def staff_user():
    return give_totp(UserFactory(is_city_staff=True))


def open_call(*, budget: int = 100 * MILLION, cap: int = 30 * MILLION, **fields) -> Call:
    """A published grant call open now (closing in 10 days), modelled on Seoul's: a themed track
    (cap 50M) and a free track (the call's cap), three criteria weighted 30/25/45, a form with a
    long text, a money question and a file."""
    now = timezone.now()
    n = next(_numbers)
    # Seoul's caps: the themed track up to 50M, the free track `cap`; the call's cap is the
    # highest, as the call editor requires (a track's cap never above the call's).
    themed_cap = min(50 * MILLION, budget)
    values = {
        "slug": f"call-{n}",
        "title_ko": f"공유촉진사업 공모 {n}",
        "title_en": f"Sharing promotion grants {n}",
        "summary_ko": "공유 기업과 단체의 사업을 지원합니다.",
        "kind": CallKind.GRANT,
        "total_budget": budget,
        "award_cap": max(cap, themed_cap),
        "opens_at": now - datetime.timedelta(days=1),
        "closes_at": now + datetime.timedelta(days=10),
        "published_at": now - datetime.timedelta(days=1),
        "interim_report_due": timezone.localdate() + datetime.timedelta(days=120),
        "final_report_due": timezone.localdate() + datetime.timedelta(days=300),
    }
    values.update(fields)
    call = Call.objects.create(**values)
    Track.objects.create(
        call=call,
        name_ko="지정공모",
        name_en="Themed track",
        kind=TrackKind.THEMED,
        themes_ko="공구 공유\n주차장 공유",
        award_cap=themed_cap,
        order=1,
    )
    Track.objects.create(
        call=call,
        name_ko="자유공모",
        name_en="Free track",
        kind=TrackKind.FREE,
        award_cap=cap,
        order=2,
    )
    for order, (name_ko, name_en, weight) in enumerate(
        (
            ("사업 계획", "Plan", 30),
            ("공유 효과", "Sharing impact", 25),
            ("실행 역량", "Capacity", 45),
        )
    ):
        Criterion.objects.create(
            call=call, name_ko=name_ko, name_en=name_en, weight=weight, order=order
        )
    FormField.objects.create(
        call=call,
        key="plan",
        label_ko="사업 내용",
        label_en="The project",
        kind=FieldKind.LONG_TEXT,
        max_length=4000,
        order=1,
    )
    FormField.objects.create(
        call=call,
        key="budget",
        label_ko="총사업비",
        label_en="Total cost",
        kind=FieldKind.MONEY,
        min_value=0,
        max_value=500 * MILLION,
        order=2,
    )
    FormField.objects.create(
        call=call,
        key="budget_sheet",
        label_ko="예산서",
        label_en="Budget sheet",
        kind=FieldKind.FILE,
        required=False,
        order=3,
    )
    return call
