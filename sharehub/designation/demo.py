"""Designation demo data: the organizations the sources document as designated by Seoul
(data/sharing-organizations-texts.json, "designation") hold a designation; the others hold none.

What the sources give is the round and date of each designation (the day of the month when only
the month is known is the 1st; where no date is given, the date of the source that names the
organization as designated: the research note, for city staff, says which). They do not give
renewals: so that the register shows who is designated, the demo keeps each designation valid
for the hub's period (three years) counted on from its documented date to the period that holds
the day the demo is loaded. Numbers are the hub's ("2013-0001"): Open Closet keeps its documented
No. 26; the rest are numbered by date, the second 2013 round after the 27 of the first.
The committee that decides designations is participation's 공유촉진위원회 (`defaults.COMMITTEE`,
with its remit: deciding designations and promoting sharing); participation's demo uses its slug
and adds its members. Looked up before created: loading twice changes nothing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils import timezone

from sharehub.core.demo import DemoRun
from sharehub.organizations.demo import demo_rows, demo_texts
from sharehub.organizations.models import Organization
from sharehub.participation.models import Committee

from .defaults import install_committee
from .models import Designation, DesignationKind, DesignationStatus, NumberCounter
from .services import add_years, designation_years

# The first designation of April 2013 named 27 organizations (data/sharing-city-milestones.csv):
# the numbers of later 2013 designations follow them.
FIRST_NUMBER_AFTER = {datetime.date(2013, 8, 8): 27}


def current_period_end(designated_on: datetime.date, today: datetime.date) -> datetime.date:
    """The last day of the validity period, counted in whole periods from `designated_on`, that
    holds `today` (or of the first period, when that has not ended yet)."""
    years = designation_years()
    start = designated_on
    while add_years(start, years) <= today:
        start = add_years(start, years)
    return add_years(start, years) - datetime.timedelta(days=1)


def documented_designations() -> list[tuple[str, dict]]:
    """(name_ko, designation) in the order of the numbers: by date, then the CSV's order."""
    texts = demo_texts()
    found = [
        (row["name_ko"], texts[row["name_ko"]]["designation"])
        for row in demo_rows()
        if texts[row["name_ko"]]["designation"]
    ]
    return sorted(found, key=lambda item: item[1]["on"])


def load_designation_demo(run: DemoRun) -> int:
    today = timezone.localdate()
    install_committee(Committee)  # made by the migrations; again in a database that lost it
    organizations = {o.name_ko: o for o in Organization.objects.all()}
    already = set(Designation.objects.values_list("organization__name_ko", flat=True))
    to_create = [
        (name_ko, spec)
        for name_ko, spec in documented_designations()
        if name_ko in organizations and name_ko not in already
    ]
    used = set(Designation.objects.values_list("number", flat=True))
    # Documented numbers are kept for their organizations, never given to another.
    used |= {f"{spec['on'][:4]}-{spec['number']:04d}" for _n, spec in to_create if "number" in spec}
    last: dict[int, int] = defaultdict(int)
    for name_ko, spec in to_create:
        designated_on = datetime.date.fromisoformat(spec["on"])
        year = designated_on.year
        number = spec.get("number")
        if number is None:
            number = max(last[year], FIRST_NUMBER_AFTER.get(designated_on, 0)) + 1
            while f"{year}-{number:04d}" in used:
                number += 1
            used.add(f"{year}-{number:04d}")
            last[year] = number
        Designation.objects.create(
            organization=organizations[name_ko],
            number=f"{year}-{number:04d}",
            kind=DesignationKind(spec["kind"]),
            designated_on=designated_on,
            valid_until=current_period_end(designated_on, today),
            status=DesignationStatus.ACTIVE,
        )
    # The hub's next number in each of these years follows the highest one given.
    highest: dict[int, int] = defaultdict(int)
    for given in used:
        given_year, _sep, given_count = given.partition("-")
        if given_year.isdigit() and given_count.isdigit():
            highest[int(given_year)] = max(highest[int(given_year)], int(given_count))
    for counter_year, count in highest.items():
        counter, _created = NumberCounter.objects.get_or_create(year=counter_year)
        if counter.last < count:
            counter.last = count
            counter.save(update_fields=["last"])
    return len(to_create)
