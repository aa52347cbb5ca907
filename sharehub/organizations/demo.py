"""Demo data of organizations: the real sharing organizations of data/sharing-organizations.csv.

The city loads the ones it knows; one (Open Closet) is run by the demo organization owner, and a
moderator publishes it.
"""

from __future__ import annotations

import csv

from sharehub.core.demo import DATA_DIR, DemoRun
from sharehub.moderation import services as moderation_services
from sharehub.places.models import District

from . import services
from .models import Organization, OrganizationKind


def _kind_of(row: dict) -> str:
    text = f"{row['category']} {row['description_en']}".lower()
    if "district-run" in text or "district office" in text:
        return OrganizationKind.PUBLIC
    if "cooperative" in text:
        return OrganizationKind.COOPERATIVE
    if "nonprofit" in text or "non-profit" in text:
        return OrganizationKind.NONPROFIT
    return OrganizationKind.ENTERPRISE


def load_demo_organizations(run: DemoRun) -> int:
    staff = run.accounts["staff@sharehub.example"]
    member = run.accounts["member@sharehub.example"]
    moderator = run.accounts["moderator@sharehub.example"]
    districts = {d.name_en: d for d in District.objects.defer("boundary")}
    created = 0
    with open(DATA_DIR / "sharing-organizations.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if Organization.objects.filter(name_ko=row["name_ko"]).exists():
                continue
            owner = member if row["name_en"] == "Open Closet" else staff
            organization = services.create_organization(
                actor=owner,
                name_ko=row["name_ko"],
                name_en=row["name_en"],
                kind=_kind_of(row),
                district=districts.get(row["district_en"]),
                website=row["website"],
                description_en=row["description_en"],
            )
            if owner is member:
                moderation_services.publish(actor=moderator, obj=organization)
            # Sources are facts of the import, not something members edit.
            Organization.objects.filter(pk=organization.pk).update(source=row["source"])
            created += 1
    return created
