"""City staff import listings from CSV: upload and preview, then confirm.

The upload is parsed and every row validated before anything is written; the preview shows each
row's errors by column. The text is kept in a `CsvImport` row owned by the uploader, and the
confirmation parses that text again and writes every row through the services in one
transaction: if any row fails then, nothing is written.

The columns are the export's (exports.COLUMNS), so an export can be edited and imported again.
"""

from __future__ import annotations

import csv
import io
import math
from copy import copy
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sharehub.core import locking
from sharehub.core.actors import Actor, require_signed_in
from sharehub.core.audit import log_action
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations import services as organization_services
from sharehub.organizations.models import Organization, OrganizationKind
from sharehub.places.models import District

from . import services
from .exports import COLUMNS, unescape
from .models import Category, CsvImport, Listing, ListingAddress
from .permissions import can_manage_directory

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
# An upload not confirmed within this time is forgotten (deleted at the next upload).
PENDING_TTL = timedelta(hours=2)
REQUIRED_COLUMNS = ("slug", "name_ko")
ORGANIZATION_COLUMNS = ("name_ko", "name_en", "kind", "website")
LISTING_COLUMNS = ("summary_ko", "summary_en", "phone", "email")
ADDRESS_COLUMNS = ("address", "latitude", "longitude")
ROW = "__all__"

# What each column holds, shown on the import page (the header row is documented there).
COLUMN_HELP = {
    "slug": gettext_lazy("The organization's address name. Empty: a new organization is created."),
    "name_ko": gettext_lazy("Name in Korean (required)."),
    "name_en": gettext_lazy("Name in English."),
    "kind": gettext_lazy(
        "Type: enterprise, nonprofit, cooperative, public or community. Empty for a new one: enterprise."
    ),
    "summary_ko": gettext_lazy("Summary in Korean, at most 300 characters."),
    "summary_en": gettext_lazy("Summary in English, at most 300 characters."),
    "categories": gettext_lazy("Category address names, separated by semicolons (;)."),
    "districts_served": gettext_lazy(
        "District address names, separated by semicolons (;). Empty: the whole city."
    ),
    "phone": gettext_lazy("Contact phone."),
    "email": gettext_lazy("Contact e-mail."),
    "website": gettext_lazy("Website address, starting with https://."),
    "address": gettext_lazy(
        "Street address. It replaces the first address; empty leaves the addresses as they are."
    ),
    "latitude": gettext_lazy(
        "Latitude in degrees, for example 37.5665 (with the longitude, or neither)."
    ),
    "longitude": gettext_lazy("Longitude in degrees, for example 126.978."),
    "published": gettext_lazy(
        "Written by the export; ignored by the import (moderators decide publication)."
    ),
}


class ImportRejected(Exception):
    """The file or some rows are not valid; `parsed` holds what to show in the preview."""

    def __init__(self, parsed: ParsedImport):
        super().__init__("import rejected")
        self.parsed = parsed


@dataclass
class ImportRow:
    number: int  # the line of the file, the header being line 1
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    organization: Organization | None = None
    categories: list[Category] | None = None
    districts: list[District] | None = None
    latitude: float | None = None
    longitude: float | None = None

    @property
    def is_new(self) -> bool:
        return self.organization is None

    def error(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(str(message))

    def add(self, error: ValidationError) -> None:
        for name, messages in error.update_error_dict({}).items():
            column = name if name in COLUMNS else ROW
            for message in ValidationError(messages).messages:
                self.error(column, message)

    @property
    def cells(self) -> list[tuple[str, str, list[str]]]:
        """(column, value, errors) in the file's order, for the preview."""
        return [
            (column, value, self.errors.get(column, [])) for column, value in self.values.items()
        ]


@dataclass
class ParsedImport:
    columns: list[str] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def rows_with_errors(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and not self.rows_with_errors

    @property
    def new_count(self) -> int:
        return sum(1 for row in self.rows if row.is_new)


def read_upload(upload: Any) -> str:
    """The upload's text: UTF-8 (a BOM is dropped), at most MAX_BYTES, no binary content."""
    if upload is None:
        raise ValidationError({"file": [_("Choose a CSV file to upload.")]})
    if (upload.size or 0) > MAX_BYTES:
        raise ValidationError(
            {
                "file": [
                    _("The file is larger than %(limit)d MB.")
                    % {"limit": MAX_BYTES // (1024 * 1024)}
                ]
            }
        )
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(
            {
                "file": [
                    _("The file is larger than %(limit)d MB.")
                    % {"limit": MAX_BYTES // (1024 * 1024)}
                ]
            }
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            {
                "file": [
                    _(
                        "The file is not UTF-8 text. In a spreadsheet, save it as “CSV UTF-8” and try again."
                    )
                ]
            }
        ) from None
    if "\x00" in text:
        raise ValidationError({"file": [_("This is not a CSV file.")]})
    if not text.strip():
        raise ValidationError({"file": [_("The file is empty.")]})
    return text


def _split(text: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in text.split(";") if part.strip()))


def _number(row: ImportRow, column: str) -> float | None:
    text = row.values.get(column, "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        row.error(column, _("Enter a number."))
        return None
    if not math.isfinite(value):
        row.error(column, _("Enter a number."))
        return None
    return value


def _by_slug(model: type, slugs: set[str]) -> dict[str, Any]:
    return {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)} if slugs else {}


def _resolve(row: ImportRow, column: str, known: dict[str, Any]) -> list | None:
    if column not in row.values:
        return None
    slugs = _split(row.values[column])
    missing = [slug for slug in slugs if slug not in known]
    if missing:
        row.error(column, _("Unknown: %(slugs)s") % {"slugs": ", ".join(missing)})
    return [known[slug] for slug in slugs if slug in known]


def _clean_organization(row: ImportRow) -> None:
    given = {name: row.values[name] for name in ORGANIZATION_COLUMNS if name in row.values}
    if row.is_new:
        organization = Organization(
            kind=OrganizationKind.ENTERPRISE, description_ko="", description_en=""
        )
        if not given.get("kind"):
            given.pop("kind", None)
    else:
        organization = copy(row.organization)
    for name, value in given.items():
        setattr(organization, name, value)
    try:
        organization.full_clean(
            exclude=["slug", "name", "description", "logo", "moderation_status"],
            validate_unique=False,
        )
    except ValidationError as error:
        row.add(error)


def _clean_listing(row: ImportRow) -> None:
    existing = getattr(row.organization, "listing", None) if row.organization else None
    listing = copy(existing) if existing is not None else Listing()
    for name in LISTING_COLUMNS:
        if name in row.values:
            setattr(listing, name, row.values[name])
    try:
        listing.full_clean(
            exclude=[
                "organization",
                "categories",
                "districts_served",
                "summary",
                "description",
                "opening_hours",
            ]
        )
    except ValidationError as error:
        row.add(error)


def _clean_address(row: ImportRow) -> None:
    row.latitude, row.longitude = _number(row, "latitude"), _number(row, "longitude")
    address = row.values.get("address", "")
    if not address:
        if row.latitude is not None or row.longitude is not None:
            row.error("address", _("Give the address of these coordinates."))
        return
    if (row.latitude is None) != (row.longitude is None) and not (
        {"latitude", "longitude"} & set(row.errors)
    ):
        row.error("longitude", _("Give both latitude and longitude, or neither."))
    candidate = ListingAddress(address=address, latitude=row.latitude, longitude=row.longitude)
    try:
        candidate.full_clean(exclude=["listing", "district"])
    except ValidationError as error:
        row.add(error)


def _read_rows(text: str, parsed: ParsedImport) -> list[tuple[int, dict]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
        parsed.columns = [name.strip() for name in header]
        unknown = [name for name in parsed.columns if name not in COLUMNS]
        missing = [name for name in REQUIRED_COLUMNS if name not in parsed.columns]
        if unknown or missing or len(set(parsed.columns)) != len(parsed.columns):
            parsed.file_errors.append(
                _(
                    "The first row must be the header row, with the columns listed on this page (at least slug and name_ko)."
                )
            )
            if unknown:
                parsed.file_errors.append(
                    _("Unknown columns: %(names)s") % {"names": ", ".join(unknown)[:300]}
                )
            return []
        records = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(records) >= MAX_ROWS:
                parsed.file_errors.append(
                    _("Import at most %(limit)d rows at a time.") % {"limit": MAX_ROWS}
                )
                return []
            records.append((reader.line_num, cells))
    except csv.Error as error:
        parsed.file_errors.append(_("This is not a valid CSV file: %(error)s") % {"error": error})
        return []
    if not records:
        parsed.file_errors.append(_("The file has no rows after the header."))
    return records


def parse_import(text: str) -> ParsedImport:
    """Parse and validate every row, writing nothing; a fixed number of queries plus one per row."""
    parsed = ParsedImport()
    records = _read_rows(text, parsed)
    for number, cells in records:
        padded = cells + [""] * (len(parsed.columns) - len(cells))
        values = {
            name: unescape(cell.strip()) for name, cell in zip(parsed.columns, padded, strict=False)
        }
        row = ImportRow(number=number, values=values)
        if len(cells) > len(parsed.columns):
            row.error(ROW, _("This row has more cells than the header."))
        parsed.rows.append(row)
    slugs = {row.values["slug"] for row in parsed.rows if row.values.get("slug")}
    organizations = (
        {
            organization.slug: organization
            for organization in Organization.objects.filter(slug__in=slugs).select_related(
                "listing"
            )
        }
        if slugs
        else {}
    )
    categories = {category.slug: category for category in Category.objects.all()}
    districts = {district.slug: district for district in District.objects.all()}
    seen: set[str] = set()
    for row in parsed.rows:
        slug = row.values.get("slug", "")
        if slug:
            row.organization = organizations.get(slug)
            if row.organization is None:
                row.error("slug", _("There is no organization with this address name."))
            elif slug in seen:
                row.error("slug", _("This organization is already in an earlier row."))
            seen.add(slug)
        if not row.errors.get("slug"):
            _clean_organization(row)
            _clean_listing(row)
        row.categories = _resolve(row, "categories", categories)
        row.districts = _resolve(row, "districts_served", districts)
        _clean_address(row)
    return parsed


def _require_staff(actor: Actor) -> None:
    require_signed_in(actor)
    if not can_manage_directory(actor):
        raise PermissionDenied(_("Only city staff import listings."))


@transaction.atomic(durable=True)
def upload_import(*, actor: Actor, upload: Any) -> tuple[ParsedImport, CsvImport | None]:
    """Step 1: read and validate. The text is kept (for the confirmation) only when every row is valid."""
    _require_staff(actor)
    text = read_upload(upload)
    parsed = parse_import(text)
    CsvImport.objects.filter(
        applied_at__isnull=True, created_at__lt=timezone.now() - PENDING_TTL
    ).delete()
    if not parsed.is_valid:
        return parsed, None
    pending = CsvImport.objects.create(
        created_by=actor,
        filename=(getattr(upload, "name", "") or "")[:200],
        content=text,
        row_count=len(parsed.rows),
    )
    return parsed, pending


def get_import_for(actor: Actor, pk: int, *, lock: bool = False) -> CsvImport:
    """The actor's own unconfirmed, unexpired upload; 404 otherwise (someone else's included)."""
    _require_staff(actor)
    queryset = CsvImport.objects.filter(
        pk=pk,
        created_by=actor,
        applied_at__isnull=True,
        created_at__gte=timezone.now() - PENDING_TTL,
    )
    pending = queryset.first()
    if pending is not None and lock:
        pending = locking.lock(pending)
        if pending.applied_at is not None:  # a double submission confirmed it meanwhile
            pending = None
    if pending is None:
        raise Http404
    return pending


def _create_organization(row: ImportRow, actor: Actor) -> Organization:
    values = row.values
    organization = Organization(
        name_ko=values.get("name_ko", ""),
        name_en=values.get("name_en", ""),
        kind=values.get("kind") or OrganizationKind.ENTERPRISE,
        website=values.get("website", ""),
        description_ko="",
        description_en="",
        created_by=actor,
        moderation_status=ModerationStatus.PUBLISHED,
        moderated_by=actor,
        moderated_at=timezone.now(),
        source=_("Imported from a CSV file by city staff."),
    )
    organization.full_clean(
        exclude=["slug", "name", "description", "logo", "moderation_status"], validate_unique=False
    )
    organization_services.save_with_unique_slug(organization)
    log_action(
        actor=actor,
        action="organizations.created",
        target=organization,
        data={"from": "directory.csv_import"},
    )
    return organization


def _apply_row(row: ImportRow, actor: Actor) -> None:
    values = row.values
    if row.is_new:
        organization = _create_organization(row, actor)
    else:
        changes = {name: values[name] for name in ORGANIZATION_COLUMNS if name in values}
        if not changes.get("kind"):
            changes.pop("kind", None)
        organization = organization_services.update_organization(
            actor=actor, organization=row.organization, **changes
        )
    listing = services.update_listing(
        actor=actor,
        organization=organization,
        categories=row.categories,
        districts_served=row.districts,
        **{name: values[name] for name in LISTING_COLUMNS if name in values},
    )
    if values.get("address"):
        located = {
            "address": values["address"],
            "latitude": row.latitude,
            "longitude": row.longitude,
        }
        first = listing.addresses.order_by("pk").first()
        if first is None:
            services.add_address(actor=actor, organization=organization, **located)
        else:
            services.update_address(
                actor=actor, organization=organization, address_id=first.pk, **located
            )


@transaction.atomic(durable=True)
def confirm_import(*, actor: Actor, pk: int) -> tuple[CsvImport, ParsedImport]:
    """Step 2: validate the kept text again and write every row, all or nothing.

    Locks the upload's row first, so a double submission imports once.
    """
    pending = get_import_for(actor, pk, lock=True)
    parsed = parse_import(pending.content)
    if not parsed.is_valid:
        raise ImportRejected(parsed)
    for row in parsed.rows:
        try:
            with transaction.atomic():
                _apply_row(row, actor)
        except ValidationError as error:
            row.add(error)
    if not parsed.is_valid:
        # Rolls back the rows already written: the outer transaction ends with this exception.
        raise ImportRejected(parsed)
    pending.applied_at = timezone.now()
    pending.save(update_fields=["applied_at"])
    log_action(
        actor=actor,
        action="directory.csv_imported",
        target=pending,
        data={"filename": pending.filename, "rows": len(parsed.rows), "created": parsed.new_count},
    )
    return pending, parsed
