"""Resources generated live from the hub: a registry of generators and the writers of each format.

A `Generator` names its columns (key, label) and yields one plain dict per row (str, int,
Decimal, date, datetime, float, bool or None values): only what the hub already shows to anyone,
read through each app's public selectors. Never a person: no e-mail, no name of a private
person, no phone, no IP (the directory's contact e-mails and phones are left out too: a small
organization's address is often someone's own; readers contact it through its page).

`Resource.generator` holds a generator's code, with a parameter where one is needed:

- `directory.listings`, `designation.register`, `events.public`, `facilities.spaces`,
  `facilities.monthly`, `programmes.awards`, `indicators`, `statistics.official`,
  `scoreboard.rankings` (the registry, `GENERATORS`);
- `indicator/<code>`: one live indicator's rows; `indicator/<code>/<year>`: its rows of one year
  (the members of an indicator's dataset series), e.g. `indicator/directory.listings/2025`.

Writers (`write`): CSV (UTF-8 with a BOM, or CP949; formula-guarded, core.csvexport), JSON (an
array of objects), GeoJSON (a FeatureCollection of the rows that have coordinates; only for a
generator with `geo`), XLSX (openpyxl's write-only workbook, built in memory, at most
`XLSX_MAX_ROWS` rows). CSV and XLSX headers are the column keys (stable in every language); the
preview page shows the labels. Everything but XLSX is streamed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import batched
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from sharehub.core.csvexport import UTF8, csv_chunks
from sharehub.designation.selectors import public_designations
from sharehub.directory.models import Category, Listing, ListingAddress, Service
from sharehub.directory.selectors import public_listings
from sharehub.events.selectors import public_events
from sharehub.facilities.models import MonthlyResult
from sharehub.facilities.selectors import public_spaces
from sharehub.facilities.selectors.results import SpaceRow
from sharehub.opendata import indicators
from sharehub.opendata.models import RankingEntry, ScoringStatus, Statistic
from sharehub.places.models import District
from sharehub.programmes import giving360
from sharehub.programmes.selectors.decisions import public_awards

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Row = dict[str, Any]
CHUNK = 500
# An XLSX is built in memory: beyond this many rows, download the CSV.
XLSX_MAX_ROWS = 100_000
PREVIEW_ROWS = 20
GENERATED_FORMATS = ("CSV", "JSON", "GEOJSON", "XLSX")
CONTENT_TYPES = {
    "CSV": "text/csv",
    "JSON": "application/json",
    "GEOJSON": "application/geo+json",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "PDF": "application/pdf",
    "ODS": "application/vnd.oasis.opendocument.spreadsheet",
    "ZIP": "application/zip",
}
EXTENSIONS = {
    "CSV": "csv",
    "JSON": "json",
    "GEOJSON": "geojson",
    "XLSX": "xlsx",
    "PDF": "pdf",
    "ODS": "ods",
    "ZIP": "zip",
}


@dataclass(frozen=True)
class Generator:
    code: str
    name: StrOrPromise
    description: StrOrPromise
    columns: Sequence[tuple[str, StrOrPromise]]
    rows: Callable[[], Iterable[Row]]
    # The keys of latitude and longitude: the rows can be written as GeoJSON points.
    geo: tuple[str, str] | None = None

    @property
    def formats(self) -> tuple[str, ...]:
        return GENERATED_FORMATS if self.geo else ("CSV", "JSON", "XLSX")

    @property
    def keys(self) -> list[str]:
        return [key for key, _label in self.columns]


GENERATORS: dict[str, Generator] = {}


def register(generator: Generator) -> Generator:
    GENERATORS[generator.code] = generator
    return generator


# --- helpers --------------------------------------------------------------------------------


def _url_of(viewname: str, placeholder: str = "ARG") -> Callable[[object], str]:
    """An absolute page address per row without a reverse() per row (in the default language)."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(viewname, args=[placeholder])
    before, after = f"{settings.SHAREHUB_SITE_URL}{path}".rsplit(placeholder, 1)
    return lambda value: f"{before}{value}{after}"


def _districts() -> dict[Any, tuple[str, str, str]]:
    """district pk and code → (code, name ko, name en), read once."""

    found: dict[Any, tuple[str, str, str]] = {}
    for pk, code, name_ko, name_en in District.objects.values_list(
        "pk", "code", "name_ko", "name_en"
    ):
        found[pk] = found[code] = (code, name_ko or "", name_en or "")
    return found


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value else None


# --- the directory --------------------------------------------------------------------------


def _listing_rows() -> Iterator[Row]:

    districts = _districts()
    categories = {
        pk: (name_ko or "", name_en or "")
        for pk, name_ko, name_en in Category.objects.values_list("pk", "name_ko", "name_en")
    }
    url = _url_of("directory:detail")
    listings = (
        public_listings()
        .order_by("organization__name_ko", "pk")
        .values_list(
            "pk",
            "organization__slug",
            "organization__name_ko",
            "organization__name_en",
            "organization__kind",
            "organization__district_id",
            "organization__website",
            "summary_ko",
            "summary_en",
            "created_at",
        )
        .iterator(chunk_size=CHUNK)
    )
    for chunk in batched(listings, CHUNK):
        ids = [row[0] for row in chunk]
        cats: dict[int, list[int]] = {}
        for listing_id, category_id in (
            cast(Any, Listing.categories.through)
            .objects.filter(listing_id__in=ids)
            .values_list("listing_id", "category_id")
        ):
            cats.setdefault(listing_id, []).append(category_id)
        served: dict[int, list[int]] = {}
        for listing_id, district_id in (
            cast(Any, Listing.districts_served.through)
            .objects.filter(listing_id__in=ids)
            .values_list("listing_id", "district_id")
        ):
            served.setdefault(listing_id, []).append(district_id)
        services: dict[int, list[tuple[str, str]]] = {}
        for listing_id, name_ko, price in (
            Service.objects.filter(listing_id__in=ids)
            .order_by("listing_id", "order", "pk")
            .values_list("listing_id", "name_ko", "price_type")
        ):
            services.setdefault(listing_id, []).append((name_ko or "", price or ""))
        addresses: dict[int, tuple] = {}
        for listing_id, address, lat, lon, district_id in (
            ListingAddress.objects.filter(listing_id__in=ids)
            .order_by("listing_id", "pk")
            .values_list("listing_id", "address", "latitude", "longitude", "district_id")
        ):
            addresses.setdefault(listing_id, (address, lat, lon, district_id))
        for (
            pk,
            slug,
            name_ko,
            name_en,
            kind,
            district_id,
            website,
            sum_ko,
            sum_en,
            created,
        ) in chunk:
            address, lat, lon, address_district = addresses.get(pk, ("", None, None, None))
            district = districts.get(district_id or address_district)
            listing_categories = [
                categories[c] for c in sorted(cats.get(pk, [])) if c in categories
            ]
            yield {
                "slug": slug,
                "name_ko": name_ko,
                "name_en": name_en or "",
                "kind": kind,
                "summary_ko": sum_ko or "",
                "summary_en": sum_en or "",
                "categories_ko": ";".join(c[0] for c in listing_categories),
                "categories_en": ";".join(c[1] for c in listing_categories),
                "services": ";".join(name for name, _price in services.get(pk, [])),
                "price_types": ";".join(price for _name, price in services.get(pk, [])),
                "district": district[0] if district else "",
                "district_name": district[1] if district else "",
                "districts_served": ";".join(
                    districts[d][0] for d in sorted(served.get(pk, [])) if d in districts
                ),
                "address": address,
                "latitude": lat,
                "longitude": lon,
                "website": website or "",
                "listed_on": timezone.localtime(created).date() if created else None,
                "url": url(slug),
            }


register(
    Generator(
        code="directory.listings",
        name=_("Directory of sharing services"),
        description=_(
            "Every public listing of the directory: the organization, its categories, services, "
            "district and first located address."
        ),
        columns=[
            ("slug", _("Address name")),
            ("name_ko", _("Name (Korean)")),
            ("name_en", _("Name (English)")),
            ("kind", _("Type")),
            ("summary_ko", _("Summary (Korean)")),
            ("summary_en", _("Summary (English)")),
            ("categories_ko", _("Categories (Korean)")),
            ("categories_en", _("Categories (English)")),
            ("services", _("Services")),
            ("price_types", _("Price types")),
            ("district", _("District code")),
            ("district_name", _("District")),
            ("districts_served", _("Districts served")),
            ("address", _("Address")),
            ("latitude", _("Latitude")),
            ("longitude", _("Longitude")),
            ("website", _("Website")),
            ("listed_on", _("Listed on")),
            ("url", _("Page")),
        ],
        rows=_listing_rows,
        geo=("latitude", "longitude"),
    )
)


# --- the designation register ---------------------------------------------------------------


def _designation_rows() -> Iterator[Row]:

    site = settings.SHAREHUB_SITE_URL
    for designation in public_designations().iterator(chunk_size=CHUNK):
        organization = designation.organization
        yield {
            "number": designation.number,
            "organization_ko": organization.name_ko,
            "organization_en": organization.name_en or "",
            "kind": designation.kind,
            "designated_on": designation.designated_on,
            "valid_until": designation.valid_until,
            "status": designation.get_effective_status_display(),
            "url": f"{site}{designation.get_absolute_url()}",
        }


register(
    Generator(
        code="designation.register",
        name=_("Register of designated sharing organizations"),
        description=_("Every designation of a published organization, with its status."),
        columns=[
            ("number", _("Designation number")),
            ("organization_ko", _("Organization (Korean)")),
            ("organization_en", _("Organization (English)")),
            ("kind", _("Designated as")),
            ("designated_on", _("Designated on")),
            ("valid_until", _("Valid until")),
            ("status", _("Status")),
            ("url", _("Page")),
        ],
        rows=_designation_rows,
    )
)


# --- events ---------------------------------------------------------------------------------


def _event_rows() -> Iterator[Row]:

    url = _url_of("events:detail", "999999999")
    events = public_events().order_by("starts_at", "pk").iterator(chunk_size=CHUNK)
    for event in events:
        district = event.district
        organization = event.organization
        yield {
            "id": event.pk,
            "title_ko": event.title_ko,
            "title_en": event.title_en or "",
            "kind": event.kind,
            "organizer": organization.name_ko
            if organization
            else settings.SHAREHUB_CITY["name_ko"],
            "district": district.code if district else "",
            "district_name": district.name_ko if district else "",
            "venue": event.venue_ko or "",
            "address": event.address,
            "latitude": event.latitude,
            "longitude": event.longitude,
            "starts_at": _local(event.starts_at),
            "ends_at": _local(event.ends_at),
            "capacity": event.capacity,
            "places_taken": event.seats_taken,
            "url": url(event.pk),
        }


register(
    Generator(
        code="events.public",
        name=_("Events"),
        description=_(
            "Published events of the city and of published organizations: when, where, "
            "capacity and places taken (never who registered)."
        ),
        columns=[
            ("id", _("Number")),
            ("title_ko", _("Title (Korean)")),
            ("title_en", _("Title (English)")),
            ("kind", _("Kind")),
            ("organizer", _("Organizer")),
            ("district", _("District code")),
            ("district_name", _("District")),
            ("venue", _("Venue")),
            ("address", _("Address")),
            ("latitude", _("Latitude")),
            ("longitude", _("Longitude")),
            ("starts_at", _("Starts at")),
            ("ends_at", _("Ends at")),
            ("capacity", _("Capacity")),
            ("places_taken", _("Places taken")),
            ("url", _("Page")),
        ],
        rows=_event_rows,
        geo=("latitude", "longitude"),
    )
)


# --- public spaces and their use ------------------------------------------------------------


def _space_rows() -> Iterator[Row]:

    url = _url_of("facilities:detail")
    spaces = (
        public_spaces()
        .select_related("district")
        .defer("district__boundary")
        .order_by("district__code", "slug")
    )
    for space in spaces.iterator(chunk_size=CHUNK):
        yield {
            "slug": space.slug,
            "name_ko": space.name_ko,
            "name_en": space.name_en or "",
            "district": space.district.code,
            "district_name": space.district.name_ko,
            "address": space.road_address,
            "latitude": space.latitude,
            "longitude": space.longitude,
            "capacity": space.capacity,
            "area_m2": space.area_m2,
            "fee_mode": space.fee_mode,
            "fee_amount": space.fee_amount,
            "url": url(space.slug),
        }


register(
    Generator(
        code="facilities.spaces",
        name=_("Public spaces open for booking"),
        description=_("The public spaces anyone may book: where they are, size and fees."),
        columns=[
            ("slug", _("Address name")),
            ("name_ko", _("Name (Korean)")),
            ("name_en", _("Name (English)")),
            ("district", _("District code")),
            ("district_name", _("District")),
            ("address", _("Address")),
            ("latitude", _("Latitude")),
            ("longitude", _("Longitude")),
            ("capacity", _("Capacity")),
            ("area_m2", _("Area (m²)")),
            ("fee_mode", _("Fee")),
            ("fee_amount", _("Fee amount (won)")),
            ("url", _("Page")),
        ],
        rows=_space_rows,
        geo=("latitude", "longitude"),
    )
)


def _monthly_rows() -> Iterator[Row]:

    results = (
        MonthlyResult.objects.select_related("space", "space__district")
        .defer("space__district__boundary")
        .order_by("month", "space__district__code", "space__slug", "pk")
        .iterator(chunk_size=CHUNK)
    )
    for result in results:
        figures = SpaceRow(result).figures
        space = result.space
        yield {
            "month": result.month.strftime("%Y-%m"),
            "district": space.district.code,
            "district_name": space.district.name_ko,
            "space": space.slug,
            "space_name": space.name_ko,
            "uses": figures.uses,
            "people": figures.people,
            "booked_hours": figures.booked_hours,
            "open_hours": figures.open_hours,
            "evening_weekend_open_hours": figures.evening_weekend_open_hours,
            "utilisation": figures.utilisation,
            "evening_weekend_share": figures.evening_weekend_share,
            "no_shows": figures.no_shows,
            "cancellations": figures.cancellations,
            "fees": figures.fees,
        }


register(
    Generator(
        code="facilities.monthly",
        name=_("Use of public spaces by month"),
        description=_(
            "Each public space's published monthly results: uses, people, hours booked and open, "
            "utilisation, the evening and weekend share, no-shows, cancellations and fees."
        ),
        columns=[
            ("month", _("Month")),
            ("district", _("District code")),
            ("district_name", _("District")),
            ("space", _("Space")),
            ("space_name", _("Space name")),
            ("uses", _("Uses")),
            ("people", _("People")),
            ("booked_hours", _("Hours booked")),
            ("open_hours", _("Hours open")),
            ("evening_weekend_open_hours", _("Evening and weekend hours open")),
            ("utilisation", _("Utilisation (%)")),
            ("evening_weekend_share", _("Evening and weekend share (%)")),
            ("no_shows", _("No-shows")),
            ("cancellations", _("Cancellations")),
            ("fees", _("Fees collected (won)")),
        ],
        rows=_monthly_rows,
    )
)


# --- programme awards -----------------------------------------------------------------------


def _award_rows() -> Iterator[Row]:

    prefix = giving360.prefix()
    awards = public_awards().order_by("awarded_on", "pk").iterator(chunk_size=CHUNK)
    for award in awards:
        application = award.application
        organization = application.organization
        district = organization.district
        yield {
            "identifier": f"{prefix}-{award.identifier}",
            "call": award.call.title_ko,
            "track": application.track.name_ko,
            "organization": organization.name_ko,
            "project": application.title,
            "amount": award.amount,
            "awarded_on": award.awarded_on,
            "district": district.code if district else "",
            "district_name": district.name_ko if district else "",
        }


register(
    Generator(
        code="programmes.awards",
        name=_("Support awarded"),
        description=_(
            "Every award of the city's support programmes: the organization, the project, the "
            "amount and the date (never an application or a person)."
        ),
        columns=[
            ("identifier", _("Identifier")),
            ("call", _("Call")),
            ("track", _("Track")),
            ("organization", _("Organization")),
            ("project", _("Project")),
            ("amount", _("Amount awarded (won)")),
            ("awarded_on", _("Awarded on")),
            ("district", _("District code")),
            ("district_name", _("District")),
        ],
        rows=_award_rows,
    )
)


# --- indicators -----------------------------------------------------------------------------

INDICATOR_COLUMNS: list[tuple[str, StrOrPromise]] = [
    ("indicator", _("Indicator")),
    ("name", _("Name")),
    ("unit", _("Unit")),
    ("period", _("Period")),
    ("district", _("District code")),
    ("district_name", _("District")),
    ("category", _("Category")),
    ("value", _("Value")),
]


def _indicator_rows(code: str | None = None, year: int | None = None) -> Iterator[Row]:

    chosen = [indicators.get(code)] if code else indicators.all_indicators()
    districts = _districts()
    start = dt.date(year, 1, 1) if year else None
    end = dt.date(year, 12, 31) if year else None
    for indicator in chosen:
        if indicator is None:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            name, unit = str(indicator.name), str(indicator.unit)
        for row in indicators.rows(indicator, by=indicator.dimensions, start=start, end=end):
            if year and (row.period is None or row.period.year != year):
                continue
            district = districts.get(row.district) if row.district else None
            yield {
                "indicator": indicator.code,
                "name": name,
                "unit": unit,
                "period": row.period.strftime("%Y-%m") if row.period else "",
                "district": row.district or "",
                "district_name": district[1] if district else "",
                "category": row.category or "",
                "value": row.value,
            }


register(
    Generator(
        code="indicators",
        name=_("Live indicators"),
        description=_("Every live indicator of the hub, by month, district and category."),
        columns=INDICATOR_COLUMNS,
        rows=_indicator_rows,
    )
)


def indicator_generator(code: str, year: int | None = None) -> Generator | None:
    """The generator of one live indicator (`indicator/<code>`), or of one year of it."""

    indicator = indicators.get(code)
    if indicator is None:
        return None
    spec = f"indicator/{code}" + (f"/{year}" if year else "")
    return Generator(
        code=spec,
        name=indicator.name,
        description=indicator.definition,
        columns=INDICATOR_COLUMNS,
        rows=lambda: _indicator_rows(code, year),
    )


def indicator_years(code: str) -> list[int]:
    """The years in which a live indicator has values (its series' members)."""

    indicator = indicators.get(code)
    if indicator is None or "period" not in indicator.dimensions:
        return []
    found = {row.period.year for row in indicators.rows(indicator, by=("period",)) if row.period}
    return sorted(found)


# --- official statistics and the scoreboard -------------------------------------------------


def _statistic_rows() -> Iterator[Row]:

    statistics = (
        Statistic.objects.select_related("indicator", "district")
        .defer("district__boundary")
        .order_by("indicator__code", "starts", "district__code", "pk")
        .iterator(chunk_size=CHUNK)
    )
    for statistic in statistics:
        district = statistic.district
        yield {
            "indicator": statistic.indicator.code,
            "name": statistic.indicator.name_ko,
            "period": statistic.period,
            "period_kind": statistic.period_kind,
            "starts": statistic.starts,
            "district": district.code if district else "",
            "district_name": district.name_ko if district else "",
            "value": statistic.value,
            "unit": statistic.unit or getattr(statistic.indicator, "unit_ko", "") or "",
            "source": statistic.source or getattr(statistic.indicator, "source_ko", "") or "",
        }


register(
    Generator(
        code="statistics.official",
        name=_("Official statistics"),
        description=_("The official statistics the city imports, by district and period."),
        columns=[
            ("indicator", _("Indicator")),
            ("name", _("Name")),
            ("period", _("Period")),
            ("period_kind", _("Kind of period")),
            ("starts", _("Period starts")),
            ("district", _("District code")),
            ("district_name", _("District")),
            ("value", _("Value")),
            ("unit", _("Unit")),
            ("source", _("Source")),
        ],
        rows=_statistic_rows,
    )
)


def _ranking_rows() -> Iterator[Row]:

    entries = (
        RankingEntry.objects.filter(scoring__status=ScoringStatus.PUBLISHED)
        .select_related("scoring", "district")
        .defer("district__boundary")
        .order_by("-scoring__period_end", "scoring__slug", "rank", "pk")
        .iterator(chunk_size=CHUNK)
    )
    for entry in entries:
        scoring = entry.scoring
        yield {
            "scoring": scoring.slug,
            "title": scoring.title_ko,
            "period_start": scoring.period_start,
            "period_end": scoring.period_end,
            "rank": entry.rank,
            "district": entry.district.code,
            "district_name": entry.district.name_ko,
            "score": entry.score,
            "tier": entry.tier,
            "tier_name": entry.tier_name,
            "prize": entry.prize,
            "previous_rank": entry.previous_rank,
            "previous_score": entry.previous_score,
        }


register(
    Generator(
        code="scoreboard.rankings",
        name=_("District incentive scoreboard"),
        description=_("Every published ranking of the districts: rank, score, tier and prize."),
        columns=[
            ("scoring", _("Scoring")),
            ("title", _("Title")),
            ("period_start", _("Period starts")),
            ("period_end", _("Period ends")),
            ("rank", _("Rank")),
            ("district", _("District code")),
            ("district_name", _("District")),
            ("score", _("Score")),
            ("tier", _("Tier")),
            ("tier_name", _("Tier name")),
            ("prize", _("Prize (won)")),
            ("previous_rank", _("Previous rank")),
            ("previous_score", _("Previous score")),
        ],
        rows=_ranking_rows,
    )
)


# --- resolving a Resource.generator ---------------------------------------------------------

_INDICATOR_SPEC = re.compile(r"^indicator/(?P<code>[a-z0-9_.\-]+)(?:/(?P<year>\d{4}))?$")


def resolve(spec: str) -> Generator | None:
    """The generator a `Resource.generator` names, or None if there is none (any longer)."""
    if spec in GENERATORS:
        return GENERATORS[spec]
    match = _INDICATOR_SPEC.match(spec or "")
    if match:
        year = int(match["year"]) if match["year"] else None
        return indicator_generator(match["code"], year)
    return None


def choices() -> list[tuple[str, str]]:
    """The fixed generators and one per live indicator (the staff form's choices)."""

    found = [(code, f"{generator.name} ({code})") for code, generator in GENERATORS.items()]
    found += [
        (f"indicator/{indicator.code}", f"{indicator.name} (indicator/{indicator.code})")
        for indicator in indicators.all_indicators()
    ]
    return found


# --- writers --------------------------------------------------------------------------------


def _text(value: Any) -> Any:
    """A value for CSV and XLSX cells: numbers kept, the rest as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _cell(value: Any) -> Any:
    """A value for CSV and XLSX cells: a Decimal stays a number (CSV writes it in plain notation
    and never guards it as a formula, even negative; XLSX makes it a numeric cell), the rest as
    `_text`."""
    if isinstance(value, Decimal) and value.is_finite():
        return value.normalize()
    return _text(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        normal = value.normalize()
        return int(normal) if normal == normal.to_integral_value() else float(normal)
    if isinstance(value, (dt.date, dt.datetime)):
        return _text(value)
    return value


def _json_row(generator: Generator, row: Row) -> dict[str, Any]:
    return {key: _json_value(row.get(key)) for key in generator.keys}


def csv_bytes(generator: Generator, *, encoding: str = UTF8) -> Iterator[bytes]:
    keys = generator.keys
    rows = ([_cell(row.get(key)) for key in keys] for row in generator.rows())
    return csv_chunks(_with_header(keys, rows), encoding=encoding)


def _with_header(header: list[str], rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
    yield header
    yield from rows


def json_bytes(generator: Generator) -> Iterator[bytes]:
    """A JSON array of objects, streamed a batch of rows at a time."""
    yield b"["
    first = True
    batch: list[str] = []
    for row in generator.rows():
        batch.append(json.dumps(_json_row(generator, row), ensure_ascii=False))
        if len(batch) >= CHUNK:
            yield (("" if first else ",") + ",".join(batch)).encode()
            first, batch = False, []
    if batch:
        yield (("" if first else ",") + ",".join(batch)).encode()
    yield b"]"


def features(generator: Generator) -> Iterator[dict[str, Any]]:
    """GeoJSON features of the rows with both coordinates (the others have no place on a map)."""
    assert generator.geo, generator.code
    lat_key, lon_key = generator.geo
    for row in generator.rows():
        lat, lon = row.get(lat_key), row.get(lon_key)
        if lat is None or lon is None:
            continue
        properties = {
            key: _json_value(row.get(key)) for key in generator.keys if key not in generator.geo
        }
        yield {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
            "properties": properties,
        }


def geojson_bytes(generator: Generator) -> Iterator[bytes]:
    yield b'{"type":"FeatureCollection","features":['
    first = True
    for feature in features(generator):
        yield (("" if first else ",") + json.dumps(feature, ensure_ascii=False)).encode()
        first = False
    yield b"]}"


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_bytes(generator: Generator) -> bytes:
    """The rows as one sheet (at most XLSX_MAX_ROWS). Text is always a string cell, never a
    formula, whatever it starts with."""

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="data")
    sheet.append(generator.keys)
    keys = generator.keys
    for count, row in enumerate(generator.rows()):
        if count >= XLSX_MAX_ROWS:
            break
        cells = []
        for key in keys:
            value = _cell(row.get(key))
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=_ILLEGAL.sub("", value))
                cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(generator: Generator, fmt: str, *, encoding: str = UTF8) -> Iterator[bytes]:
    """The generator's content in a format (chunks of bytes)."""
    if fmt == "CSV":
        return csv_bytes(generator, encoding=encoding)
    if fmt == "JSON":
        return json_bytes(generator)
    if fmt == "GEOJSON" and generator.geo:
        return geojson_bytes(generator)
    if fmt == "XLSX":
        return iter([xlsx_bytes(generator)])
    raise ValueError(f"{generator.code} cannot be written as {fmt}")


def preview(generator: Generator, limit: int = PREVIEW_ROWS) -> list[list[Any]]:
    """The first rows, as table cells in the columns' order."""
    rows = generator.rows()
    found = []
    for count, row in enumerate(rows):
        if count >= limit:
            break
        found.append([_text(row.get(key)) for key in generator.keys])
    close = getattr(rows, "close", None)
    if close:
        close()
    return found
