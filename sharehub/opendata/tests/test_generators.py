"""The live generators: each format read back (csv, json, openpyxl), only public rows, and no
personal data in any generator's output in any format."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from sharehub.accounts.tests.factories import UserFactory
from sharehub.designation.models import Designation, DesignationKind
from sharehub.directory.tests.factories import (
    AddressFactory,
    CategoryFactory,
    ListingFactory,
    ServiceFactory,
)
from sharehub.events.models import EventStatus, Registration, RegistrationStatus
from sharehub.events.tests.factories import EventFactory
from sharehub.facilities.models import Booking, BookingStatus, MonthlyResult, Purpose
from sharehub.facilities.tests.factories import SpaceFactory
from sharehub.moderation.models import ModerationStatus
from sharehub.opendata import generators
from sharehub.opendata.models import RankingEntry, ScoringStatus
from sharehub.opendata.tests.factories import ScoringFactory, StatisticFactory
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory
from sharehub.places.tests.factories import DistrictFactory
from sharehub.programmes.models import Application, ApplicationStatus, Award, TrackKind
from sharehub.programmes.tests.factories import open_call

pytestmark = pytest.mark.django_db

SECRET_EMAIL = "hidden.person.7731@privacy-test.kr"
SECRET_NAME = "비밀사람칠칠삼일"
OTHER_EMAIL = "second.secret.4412@privacy-test.kr"
OTHER_NAME = "Zyxwv Private Person"
ORG_EMAIL = "org.inbox.7731@privacy-test.kr"
ORG_PHONE = "010-7731-4412"
IP = "203.0.113.77"
SECRETS = (SECRET_EMAIL, SECRET_NAME, OTHER_EMAIL, OTHER_NAME, ORG_EMAIL, ORG_PHONE, IP)
HIDDEN = "HIDDEN-9911"


def read(generator: generators.Generator, fmt: str) -> tuple[list[dict], str]:
    """The rows as dicts and the whole content as text, from the bytes a download sends."""
    data = b"".join(generators.write(generator, fmt))
    if fmt == "CSV":
        assert data.startswith(b"\xef\xbb\xbf")
        text = data.decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text))), text
    if fmt == "JSON":
        text = data.decode()
        return json.loads(text), text
    if fmt == "GEOJSON":
        text = data.decode()
        collection = json.loads(text)
        assert collection["type"] == "FeatureCollection"
        return [f["properties"] for f in collection["features"]], text
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    values = list(workbook.worksheets[0].iter_rows(values_only=True))
    header, body = values[0], values[1:]
    rows = [dict(zip(header, row, strict=True)) for row in body]
    text = "\n".join(" ".join("" if v is None else str(v) for v in row) for row in values)
    return rows, text


def every_output() -> dict[tuple[str, str], str]:
    found = {}
    specs = [*generators.GENERATORS, "indicator/directory.listings", "indicator/events.events"]
    for spec in specs:
        generator = generators.resolve(spec)
        if generator is None:
            continue
        for fmt in generator.formats:
            found[(spec, fmt)] = read(generator, fmt)[1]
    return found


@pytest.fixture
def world():
    """Public and hidden rows of every source, with people whose e-mails, names and an IP must
    never reach a generated resource."""
    district = DistrictFactory()
    person = UserFactory(email=SECRET_EMAIL, display_name=SECRET_NAME)
    other = UserFactory(email=OTHER_EMAIL, display_name=OTHER_NAME)
    organization = OrganizationFactory(
        district=district, email=ORG_EMAIL, phone=ORG_PHONE, website="https://share.example"
    )
    MembershipFactory(organization=organization, user=person, role=MemberRole.OWNER)
    listing = ListingFactory(organization=organization, email=ORG_EMAIL, phone=ORG_PHONE)
    listing.categories.add(CategoryFactory())
    AddressFactory(listing=listing, district=district)
    ServiceFactory(listing=listing)
    hidden_org = OrganizationFactory(
        name_ko=f"{HIDDEN} 단체", moderation_status=ModerationStatus.PENDING
    )
    ListingFactory(organization=hidden_org, summary_ko=HIDDEN)
    # Designations: one of the public organization, one of the hidden one.
    today = timezone.localdate()
    for org, number in ((organization, "T-00001"), (hidden_org, HIDDEN)):
        Designation.objects.create(
            organization=org,
            number=number,
            kind=DesignationKind.ENTERPRISE,
            designated_on=today - dt.timedelta(days=3),
            valid_until=today + dt.timedelta(days=300),
        )
    # Events: a public one with registrations, a draft.
    event = EventFactory(
        organization=organization, district=district, latitude=37.56, longitude=126.97
    )
    for user in (person, other):
        Registration.objects.create(
            event=event,
            user=user,
            status=RegistrationStatus.CONFIRMED,
            answers={"phone": ORG_PHONE, "ip": IP, "email": user.email},
        )
    EventFactory(title_ko=f"{HIDDEN} 행사", status=EventStatus.DRAFT)
    # Spaces: bookings by people, a published month, an inactive space.
    space = SpaceFactory(district=district, latitude=37.5, longitude=127.0)
    starts = timezone.now() - dt.timedelta(days=40)
    Booking.objects.create(
        space=space,
        user=person,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        purpose=Purpose.MEETING,
        purpose_detail=f"{SECRET_NAME} {SECRET_EMAIL} {IP}",
        people=3,
        status=BookingStatus.CONFIRMED,
    )
    MonthlyResult.objects.create(
        space=space,
        month=dt.date(2026, 1, 1),
        uses=3,
        booked_hours=Decimal("6.0"),
        open_hours=Decimal("100.0"),
        evening_weekend_open_hours=Decimal("30.0"),
        people=12,
        no_shows=0,
        cancellations=1,
        fees=0,
    )
    SpaceFactory(slug="hidden-9911", is_active=False)
    # Awards: one of a published call, one of a draft call.
    call = open_call()
    draft_call = open_call(published_at=None, slug="call-hidden-9911")
    for the_call, title in ((call, "공구 나눔 확대"), (draft_call, f"{HIDDEN} 사업")):
        application = Application.objects.create(
            call=the_call,
            track=the_call.tracks.get(kind=TrackKind.FREE),
            organization=organization,
            title=title,
            requested_amount=10_000_000,
            answers={"contact": SECRET_EMAIL},
            status=ApplicationStatus.AWARDED,
            created_by=person,
            submitted_by=person,
            submitted_at=timezone.now(),
            receipt_number=f"R-{the_call.slug}",
        )
        Award.objects.create(
            application=application,
            call=the_call,
            amount=10_000_000,
            cap=30_000_000,
            identifier=f"id-{the_call.slug}",
        )
    # Official statistics and rankings: a published scoring and a draft one.
    StatisticFactory(district=district, value=Decimal("1234.5"))
    published = ScoringFactory(
        status=ScoringStatus.PUBLISHED, published_at=timezone.now(), rules={"criteria": []}
    )
    draft = ScoringFactory(slug="scoring-hidden-9911", title_ko=HIDDEN)
    for scoring in (published, draft):
        RankingEntry.objects.create(
            scoring=scoring, district=district, rank=1, score=Decimal("87.5"), prize=1000
        )
    return {"district": district, "organization": organization, "event": event, "space": space}


def test_no_personal_data_nor_hidden_rows_in_any_output(world):
    outputs = every_output()
    assert ("directory.listings", "GEOJSON") in outputs
    for (spec, fmt), text in outputs.items():
        for secret in SECRETS:
            assert secret not in text, (spec, fmt, secret)
        assert HIDDEN not in text, (spec, fmt)
        assert "hidden-9911" not in text, (spec, fmt)


def test_public_rows_are_there_in_every_format(world):
    expected = {
        "directory.listings": ("slug", world["organization"].slug),
        "designation.register": ("number", "T-00001"),
        "events.public": ("id", world["event"].pk),
        "facilities.spaces": ("slug", world["space"].slug),
        "facilities.monthly": ("space", world["space"].slug),
        "programmes.awards": ("project", "공구 나눔 확대"),
        "statistics.official": ("district", world["district"].code),
        "scoreboard.rankings": ("district", world["district"].code),
    }
    for code, (key, value) in expected.items():
        generator = generators.GENERATORS[code]
        for fmt in generator.formats:
            rows, _text = read(generator, fmt)
            assert len(rows) == 1, (code, fmt, rows)
            assert str(rows[0][key]) == str(value), (code, fmt)
            if fmt != "GEOJSON":
                assert list(rows[0]) == generator.keys


def test_values_keep_their_types_in_json_and_xlsx(world):
    monthly = generators.GENERATORS["facilities.monthly"]
    row = read(monthly, "JSON")[0][0]
    assert row["uses"] == 3 and row["utilisation"] == 6 and row["month"] == "2026-01"
    xlsx_row = read(monthly, "XLSX")[0][0]
    assert xlsx_row["uses"] == 3
    csv_row = read(monthly, "CSV")[0][0]
    assert csv_row["booked_hours"] == "6" and csv_row["people"] == "12"
    statistic = read(generators.GENERATORS["statistics.official"], "JSON")[0][0]
    assert statistic["value"] == 1234.5


def test_geojson_points_are_lon_lat_and_skip_rows_without_coordinates(world):
    ListingFactory()  # a public listing without any address
    listings = generators.GENERATORS["directory.listings"]
    collection = json.loads(b"".join(generators.write(listings, "GEOJSON")))
    assert len(collection["features"]) == 1
    assert collection["features"][0]["geometry"] == {
        "type": "Point",
        "coordinates": [126.978, 37.5665],
    }
    assert len(read(listings, "CSV")[0]) == 2
    with pytest.raises(ValueError):
        generators.write(generators.GENERATORS["programmes.awards"], "GEOJSON")


def test_cp949_csv_is_read_back():
    organization = OrganizationFactory(name_ko="나눔가게")
    ListingFactory(organization=organization)
    data = b"".join(
        generators.csv_bytes(generators.GENERATORS["directory.listings"], encoding="cp949")
    )
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("cp949"))))
    assert rows[0]["name_ko"] == "나눔가게"


def test_formula_text_is_never_a_formula():
    ListingFactory(summary_ko='=HYPERLINK("http://evil")')
    listings = generators.GENERATORS["directory.listings"]
    assert read(listings, "CSV")[0][0]["summary_ko"].startswith("'=")
    data = b"".join(generators.write(listings, "XLSX"))
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    column = generators.GENERATORS["directory.listings"].keys.index("summary_ko") + 1
    cell = sheet.cell(row=2, column=column)
    assert cell.data_type == "s"
    assert cell.value.startswith("=")


def test_resolve_and_indicator_years():
    assert generators.resolve("nope") is None
    assert generators.resolve("indicator/no.such") is None
    assert generators.resolve("indicator/directory.listings/20x5") is None
    spec = generators.resolve("indicator/directory.listings/2025")
    assert spec is not None and spec.code == "indicator/directory.listings/2025"
    assert generators.indicator_years("directory.listings") == []
    organization = OrganizationFactory()
    listing = ListingFactory(organization=organization)
    type(listing).objects.filter(pk=listing.pk).update(
        created_at=dt.datetime(2025, 3, 5, tzinfo=dt.UTC)
    )
    assert generators.indicator_years("directory.listings") == [2025]
    rows = read(generators.resolve("indicator/directory.listings/2025"), "JSON")[0]
    assert rows and all(row["period"].startswith("2025-") for row in rows)
    assert read(generators.resolve("indicator/directory.listings/2024"), "JSON")[0] == []


def test_preview_takes_the_first_rows_only():
    for n in range(25):
        ListingFactory(organization=OrganizationFactory(name_ko=f"단체 {n:02d}"))
    rows = generators.preview(generators.GENERATORS["directory.listings"])
    assert len(rows) == generators.PREVIEW_ROWS


def test_xlsx_is_capped(monkeypatch):
    monkeypatch.setattr(generators, "XLSX_MAX_ROWS", 2)
    for _n in range(4):
        ListingFactory()
    rows, _text = read(generators.GENERATORS["directory.listings"], "XLSX")
    assert len(rows) == 2
