"""The demo hub: real districts and sharing organizations from data/, plus demo accounts.

Everything is looked up before it is created, so loading twice changes nothing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction

from sharehub.accounts.models import User
from sharehub.directory.demo import load_directory_demo
from sharehub.events import demo as events_demo
from sharehub.news import demo as news_demo
from sharehub.newsletters import demo as newsletters_demo
from sharehub.organizations import services as organization_services
from sharehub.organizations.models import Organization, OrganizationKind
from sharehub.places import services as place_services
from sharehub.places.models import District

DEMO_PASSWORD = "sharehub-demo-2026"
DATA_DIR = Path(settings.BASE_DIR) / "data"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    role: str
    flags: dict = field(default_factory=dict)


DEMO_ACCOUNTS = [
    DemoAccount(
        "admin@sharehub.example",
        "관리자",
        "administrator",
        {"is_superuser": True, "is_staff": True, "is_city_staff": True},
    ),
    DemoAccount("staff@sharehub.example", "서울시 공유담당", "city staff", {"is_city_staff": True}),
    DemoAccount("moderator@sharehub.example", "게시물 관리자", "moderator", {"is_moderator": True}),
    DemoAccount("citizen@sharehub.example", "김시민", "citizen"),
    DemoAccount(
        "member@sharehub.example", "열린옷장 활동가", "organization owner (열린옷장 / Open Closet)"
    ),
]


@dataclass
class DemoReport:
    districts_created: int = 0
    users_created: int = 0
    organizations_created: int = 0
    listings_created: int = 0
    events_created: int = 0
    articles_created: int = 0
    newsletter_objects_created: int = 0


def _kind_of(row: dict) -> str:
    text = f"{row['category']} {row['description_en']}".lower()
    if "district-run" in text or "district office" in text:
        return OrganizationKind.PUBLIC
    if "cooperative" in text:
        return OrganizationKind.COOPERATIVE
    if "nonprofit" in text or "non-profit" in text:
        return OrganizationKind.NONPROFIT
    return OrganizationKind.ENTERPRISE


def _ensure_user(account: DemoAccount) -> tuple[User, bool]:
    user = User.objects.filter(email=account.email).first()
    if user is not None:
        return user, False
    user = User.objects.create_user(
        email=account.email,
        password=DEMO_PASSWORD,
        display_name=account.display_name,
        **account.flags,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user, True


def load_demo() -> DemoReport:
    report = DemoReport()
    geojson, centroids = place_services.bundled_district_files()
    counts = place_services.load_districts(geojson_path=geojson, centroids_csv=centroids)
    report.districts_created = counts.created

    with transaction.atomic():
        users = {}
        for account in DEMO_ACCOUNTS:
            users[account.email], created = _ensure_user(account)
            report.users_created += created
        staff = users["staff@sharehub.example"]
        member = users["member@sharehub.example"]
        districts = {d.name_en: d for d in District.objects.all()}

        with open(DATA_DIR / "sharing-organizations.csv", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if Organization.objects.filter(name_ko=row["name_ko"]).exists():
                    continue
                # The city loads the listings it knows; one is run by the demo organization owner.
                owner = member if row["name_en"] == "Open Closet" else staff
                organization = organization_services.create_organization(
                    actor=owner,
                    name_ko=row["name_ko"],
                    name_en=row["name_en"],
                    kind=_kind_of(row),
                    district=districts.get(row["district_en"]),
                    website=row["website"],
                    description_en=row["description_en"],
                )
                if owner is member:
                    from sharehub.moderation import services as moderation_services

                    moderation_services.publish(
                        actor=users["moderator@sharehub.example"], obj=organization
                    )
                # Sources are facts of the import, not something members edit.
                Organization.objects.filter(pk=organization.pk).update(source=row["source"])
                report.organizations_created += 1
        report.listings_created = load_directory_demo(actor=staff)
        report.events_created = events_demo.load_demo(accounts=users)
        report.articles_created = news_demo.load_demo(accounts=users)
        report.newsletter_objects_created = newsletters_demo.load_demo(accounts=users)
    return report
