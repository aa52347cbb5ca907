"""Demo data of organizations: the real sharing organizations of data/sharing-organizations.csv,
presented in Korean and English with the texts of data/sharing-organizations-texts.json.

The city loads the ones it knows; one (Open Closet) is run by the demo organization owner, and a
moderator publishes it. Where the facts come from (the CSV's sources) and the research notes on
them ("designation not confirmed") go to `Organization.source`, which only city staff see.
"""

from __future__ import annotations

import csv
import json
from typing import Any

from sharehub.core.demo import DATA_DIR, DemoRun
from sharehub.moderation import services as moderation_services
from sharehub.places.models import District

from . import services
from .models import Organization, OrganizationKind

ORGANIZATIONS_CSV = DATA_DIR / "sharing-organizations.csv"
TEXTS_JSON = DATA_DIR / "sharing-organizations-texts.json"
SOURCE_MAX: int = Organization._meta.get_field("source").max_length or 1000


def demo_rows() -> list[dict[str, str]]:
    """The CSV's rows, in its order."""
    with open(ORGANIZATIONS_CSV, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def demo_texts() -> dict[str, dict[str, Any]]:
    """name_ko → the organization's texts, services and documented designation (the JSON's
    "organizations"), shared by the organizations', directory's and designation's loaders."""
    with open(TEXTS_JSON, encoding="utf-8") as handle:
        return json.load(handle)["organizations"]


def staff_source(row: dict[str, str], note: str) -> str:
    """The sources and the research note on them, for city staff: never shown to the public."""
    text = f"{row['source']}\n{note}".strip()
    if len(text) > SOURCE_MAX:
        raise ValueError(f"{row['name_ko']}: the sources and note exceed {SOURCE_MAX} characters")
    return text


def load_demo_organizations(run: DemoRun) -> int:
    staff = run.accounts["staff@sharehub.example"]
    member = run.accounts["member@sharehub.example"]
    moderator = run.accounts["moderator@sharehub.example"]
    districts = {d.name_en: d for d in District.objects.defer("boundary")}
    texts = demo_texts()
    created = 0
    for row in demo_rows():
        if Organization.objects.filter(name_ko=row["name_ko"]).exists():
            continue
        text = texts[row["name_ko"]]
        owner = member if row["name_en"] == "Open Closet" else staff
        organization = services.create_organization(
            actor=owner,
            name_ko=row["name_ko"],
            name_en=row["name_en"],
            kind=OrganizationKind(text["kind"]),
            district=districts.get(row["district_en"]),
            website=row["website"],
            description_ko=text["organization"]["ko"],
            description_en=text["organization"]["en"],
        )
        if owner is member:
            moderation_services.publish(actor=moderator, obj=organization)
        # Sources are facts of the import, not something members edit.
        Organization.objects.filter(pk=organization.pk).update(
            source=staff_source(row, text["note"])
        )
        created += 1
    return created
