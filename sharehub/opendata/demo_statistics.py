"""Demo official statistics: only what the project's own data says, nothing invented.

- `designated-sharing-organizations`: the city-wide running total of sharing organizations and
  enterprises Seoul designated, at the dates the milestones report it (27 in April 2013 … 195 in
  September 2021), each with the milestone's sources. The milestones that give only a round's new
  designations (8 in August 2013, 8 in February 2016) or a lower bound ("80+") are left out.
- `public-spaces-opened`: the idle public-facility spaces opened for booking (216 in July 2012,
  736 in January 2013, 779 in April 2014), from the milestones whose headline figure is
  "N spaces".
- `population`: defined (Ministry of the Interior and Safety's registered population) with no
  values: data/ holds no population file, so staff see what to import rather than a made-up one.

The values go through the import service (`import_statistics`), as a staff upload would; a
second load finds them all and writes nothing.
"""

from __future__ import annotations

import csv
import io
import re

from sharehub.core.demo import DATA_DIR, DemoRun
from sharehub.opendata.models import OfficialIndicator, Statistic
from sharehub.opendata.services.statistics import import_statistics, parse_period

MILESTONES = DATA_DIR / "sharing-city-milestones.csv"
STAFF = "staff@sharehub.example"
# The milestones whose "N designated" is the running total since 2013 (their text says so).
CUMULATIVE_DESIGNATIONS = {
    "2013-04-14",  # the first designation: 27
    "2015-01-26",  # "Two years in: 50 … designated"
    "2015-04-20",  # "57 designated so far"
    "2015-12-31",  # "64 … designated over 2013-2015"
    "2018-05-16",  # "cumulative 102 designated since 2013"
    "2021-09-14",  # "195 organizations designated 2013-H1 2021"
}
DESIGNATED = re.compile(r"^(\d+) designated$")
SPACES = re.compile(r"^(\d[\d,]*) spaces\b")

INDICATORS = {
    "population": {
        "name_ko": "주민등록 인구",
        "name_en": "Registered population",
        "unit_ko": "명",
        "unit_en": "people",
        "definition_ko": "자치구별 주민등록 인구(기간 말 기준).",
        "definition_en": "Residents registered in each district, at the end of the period.",
        "method_ko": "행정안전부가 공표한 주민등록 인구를 그대로 가져옵니다. 자치구 평가의 인구 1만 명당 환산에 씁니다.",
        "method_en": "Imported as the ministry publishes it; the district scorings use it for figures per 10,000 residents.",
        "source_ko": "행정안전부 주민등록 인구통계",
        "source_en": "Ministry of the Interior and Safety, resident registration population statistics",
    },
    "designated-sharing-organizations": {
        "name_ko": "지정 공유단체·기업 누계",
        "name_en": "Designated sharing organizations and enterprises, in all",
        "unit_ko": "곳",
        "unit_en": "organizations",
        "definition_ko": "2013년 첫 지정 이후 시가 지정한 공유단체와 공유기업의 누적 수(발표 시점 기준).",
        "definition_en": "Sharing organizations and enterprises the city designated since the first designation in 2013, in all, as reported at the time.",
        "method_ko": "시의 발표와 언론 보도에 실린 누적 지정 수를 발표한 달의 값으로 옮겼습니다. 각 값의 출처를 함께 적었습니다.",
        "method_en": "The running totals reported in the city's announcements and the press, as the value of the month they were reported; each value names its sources.",
        "source_ko": "서울시 발표와 언론 보도(값마다 출처)",
        "source_en": "Seoul Metropolitan Government announcements and press reports (sources per value)",
    },
    "public-spaces-opened": {
        "name_ko": "개방된 유휴 공공시설 공간",
        "name_en": "Idle public-facility spaces opened for booking",
        "unit_ko": "곳",
        "unit_en": "spaces",
        "definition_ko": "시와 자치구가 시민 예약에 개방한 유휴 공공시설 공간의 수(발표 시점 기준).",
        "definition_en": "Idle spaces of public facilities the city and the districts opened to citizens' bookings, as reported at the time.",
        "method_ko": "시의 발표와 언론 보도에 실린 공간 수를 발표한 달의 값으로 옮겼습니다.",
        "method_en": "The numbers of spaces reported in the city's announcements and the press, as the value of the month they were reported.",
        "source_ko": "서울시 발표와 언론 보도(값마다 출처)",
        "source_en": "Seoul Metropolitan Government announcements and press reports (sources per value)",
    },
}


def milestone_values() -> list[tuple[str, str, int, str]]:
    """(indicator code, period, value, source) read from the milestones."""
    values = []
    with MILESTONES.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            figure, day = row["headline_figure"].strip(), row["date"].strip()
            period = parse_period(day[:7])
            if period is None:
                continue
            if day in CUMULATIVE_DESIGNATIONS and (match := DESIGNATED.match(figure)):
                code = "designated-sharing-organizations"
            elif match := SPACES.match(figure):
                code = "public-spaces-opened"
            else:
                continue
            number = int(match.group(1).replace(",", ""))
            values.append((code, period.text, number, row["source"].strip()[:300]))
    return values


def load(run: DemoRun) -> int:
    created = 0
    for code, fields in INDICATORS.items():
        _indicator, is_new = OfficialIndicator.objects.get_or_create(code=code, defaults=fields)
        created += is_new
    values = milestone_values()
    held = set(
        Statistic.objects.filter(
            indicator__code__in={code for code, *_ in values}, district__isnull=True
        ).values_list("indicator__code", "period")
    )
    staff = run.accounts.get(STAFF)
    if staff is None or all((code, period) in held for code, period, *_ in values):
        return created
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["indicator", "district", "period", "value", "unit", "source"])
    for code, period, number, source in values:
        writer.writerow([code, "", period, number, "", source])
    record = import_statistics(
        actor=staff, text=buffer.getvalue(), filename=MILESTONES.name, encoding="utf-8"
    )
    return created + record.created
