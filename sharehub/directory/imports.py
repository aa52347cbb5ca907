"""City staff import listings from CSV: upload and preview, then confirm.

The upload is parsed and every row validated before anything is written; the preview shows each
row's errors by column. The text is kept in a `CsvImport` row owned by the uploader, and the
confirmation parses that text again and writes every row through the services in one
transaction: if any row fails then, nothing is written.

The columns are the export's (exports.COLUMNS), so an export can be edited and imported again.
The file may be UTF-8 (with or without a BOM) or CP949/EUC-KR, what Korean Excel writes.
Districts, categories and the type are found by any name a person may write for them (Korean,
English, the address name, "서초" for 서초구), whatever the case and spacing.

Publication (PUBLICATION_HELP says the same on the page; test_import proves it): a new
organization or listing is published at once, as when city staff create one on the site; an
existing one keeps its moderation state (update_organization and update_listing send a rejected
one that the file changes back to the moderators' queue).
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
from collections.abc import Callable, Iterable
from copy import copy
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sharehub.core import locking
from sharehub.core.actors import Actor, require_signed_in
from sharehub.core.audit import log_action
from sharehub.core.csvexport import unguard
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations import services as organization_services
from sharehub.organizations.models import Organization, OrganizationKind
from sharehub.places.models import District
from sharehub.places.selectors import district_list

from . import selectors, services
from .exports import COLUMNS
from .models import Category, CsvImport, Listing, ListingAddress
from .permissions import can_manage_directory

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
# An upload not confirmed within this time is forgotten (deleted at the next upload).
PENDING_TTL = timedelta(hours=2)
REQUIRED_COLUMNS = ("slug", "name_ko")
# The export's columns, and `published` of older exports. `url` and `published` are read and
# ignored: the first is for the export's readers, publication is PUBLICATION_HELP's.
IMPORT_COLUMNS = [*COLUMNS, "published"]
# What Korean Excel writes ("CSV (쉼표로 분리)") is CP949; "CSV UTF-8" starts with a BOM.
ENCODINGS = ("utf-8", "cp949")
# Several districts or categories in one cell.
SEPARATORS = re.compile(r"[;,]")
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
        "Type, in Korean or English: sharing enterprise, non-profit organization, cooperative, "
        "public body or community group (or enterprise, nonprofit, cooperative, public, "
        "community). Empty for a new one: sharing enterprise."
    ),
    "summary_ko": gettext_lazy("Summary in Korean, at most 300 characters."),
    "summary_en": gettext_lazy("Summary in English, at most 300 characters."),
    "categories": gettext_lazy(
        "Categories by name (Korean or English) or address name, separated by semicolons (;) "
        "or commas. Empty: none."
    ),
    "districts_served": gettext_lazy(
        "Districts by name (서초구, 서초, Seocho-gu or Seocho) or address name, separated by "
        "semicolons (;) or commas. Empty: the whole city."
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
    "url": gettext_lazy("The listing's page, written by the export; ignored by the import."),
    "published": gettext_lazy(
        "Written by older exports; ignored by the import (publication follows the rules above)."
    ),
}
# What the import does to publication: the page shows it, the code does it (_create_organization
# publishes, update_organization keeps the state), test_import checks both.
PUBLICATION_HELP = (
    gettext_lazy(
        "A new organization or listing is published at once, as when city staff create one on "
        "the site: the import is city staff's, so no moderator reviews it."
    ),
    gettext_lazy(
        "An organization or listing already in the hub keeps its publication: the file changes "
        "its facts, never whether it is shown. One waiting for review stays in the moderators' "
        "queue, a hidden one stays hidden, and a rejected one that the file changes goes back to "
        "the moderators' queue."
    ),
)


class ImportRejected(Exception):
    """The file or some rows are not valid; `parsed` holds what to show in the preview."""

    def __init__(self, parsed: ParsedImport):
        super().__init__("import rejected")
        self.parsed = parsed


@dataclass
class ImportRow:
    number: int  # the row as a spreadsheet numbers it, the header being row 1
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    organization: Organization | None = None
    categories: list[Category] | None = None
    districts: list[District] | None = None
    kind: str | None = None  # the type's value, whatever name the file gave it
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
    encoding: str = ""  # the one the file was read in (ENCODINGS)

    @property
    def columns_with_errors(self) -> set[str]:
        return {column for row in self.rows for column in row.errors}

    @property
    def rows_with_errors(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and not self.rows_with_errors

    @property
    def new_count(self) -> int:
        return sum(1 for row in self.rows if row.is_new)


def _too_large() -> ValidationError:
    return ValidationError(
        {
            "file": [
                _("The file is larger than %(limit)d MB.") % {"limit": MAX_BYTES // (1024 * 1024)}
            ]
        }
    )


def decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (a BOM is dropped), else CP949 (a superset of EUC-KR).

    UTF-8 is tried first: Korean text in CP949 is almost never valid UTF-8, while ASCII is both.
    Anything else (UTF-16, a binary file, most other code pages) fails both and is refused."""
    for encoding in ENCODINGS:
        try:
            return data.decode("utf-8-sig" if encoding == "utf-8" else encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        {
            "file": [
                _(
                    "The file is neither UTF-8 nor CP949 (EUC-KR) text, the encodings this import "
                    "reads. In a spreadsheet, save it as “CSV UTF-8” or as “CSV (comma delimited)” "
                    "and try again."
                )
            ]
        }
    )


# Control characters never found in a spreadsheet's text (tab, line feed and carriage return are).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_upload(upload: Any) -> tuple[str, str]:
    """The upload's text and encoding (see `decode`), at most MAX_BYTES, no binary content."""
    if upload is None:
        raise ValidationError({"file": [_("Choose a CSV file to upload.")]})
    if (upload.size or 0) > MAX_BYTES:
        raise _too_large()
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_large()
    text, encoding = decode(data)
    if CONTROL.search(text):
        # A binary file can happen to decode as CP949, which gives a meaning to most byte pairs.
        raise ValidationError({"file": [_("This is not a CSV file.")]})
    if not text.strip():
        raise ValidationError({"file": [_("The file is empty.")]})
    return text, encoding


def _split(text: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in SEPARATORS.split(text) if part.strip()))


def name_key(text: str) -> str:
    """What the ways of writing one name share: its letters and digits, case-folded, so
    "Seocho-gu", "seocho gu" and "SEOCHOGU" are one name, and "물건·공구" is "물건 공구"."""
    return "".join(char for char in text.casefold() if char.isalnum())


class Vocabulary[T]:
    """The values one column accepts: each object under every name a person may write for it.

    Where two objects share a name, a full name (priority 0) wins over a short form (priority 1);
    two at the same priority make the name ambiguous, and the row says so."""

    def __init__(self, *, unknown: Promise, shown: Callable[[T], str]) -> None:
        self._keys: dict[str, tuple[int, list[T]]] = {}
        self.unknown = unknown  # the message of a name that matches nothing, with %(value)s
        self.shown = shown  # the object's name in the reader's language

    def add(self, obj: T, names: Iterable[str | None], *, priority: int = 0) -> None:
        for name in names:
            key = name_key(name or "")
            if not key:
                continue
            best, objects = self._keys.get(key, (priority, []))
            if priority < best:
                self._keys[key] = (priority, [obj])
            elif priority == best and obj not in objects:
                self._keys[key] = (priority, [*objects, obj])

    def find(self, text: str) -> list[T]:
        return self._keys.get(name_key(text), (0, []))[1]

    def closest(self, text: str) -> T | None:
        """The one object whose name is nearest to a misspelt one, if any is near enough."""
        near = difflib.get_close_matches(name_key(text), self._keys, n=1, cutoff=0.6)
        objects = self._keys[near[0]][1] if near else []
        return objects[0] if len(objects) == 1 else None

    def resolve(self, row: ImportRow, column: str, text: str) -> T | None:
        """The object the text names; None with the row's error when it names none or several."""
        matches = self.find(text)
        if len(matches) == 1:
            return matches[0]
        if matches:
            row.error(
                column,
                _("“%(value)s” names more than one: %(names)s. Write the address name instead.")
                % {"value": text, "names": ", ".join(self.shown(obj) for obj in matches)},
            )
            return None
        message = str(self.unknown) % {"value": text}
        if (closest := self.closest(text)) is not None:
            message += " " + _("Did you mean “%(name)s”?") % {"name": self.shown(closest)}
        row.error(column, message + " " + _("The valid values are listed on this page."))
        return None


def district_vocabulary() -> Vocabulary[District]:
    """Districts by address name, code, Korean and English name, and without "구"/"-gu"."""
    vocabulary: Vocabulary[District] = Vocabulary(
        unknown=gettext_lazy("There is no district “%(value)s”."), shown=lambda d: d.name
    )
    for district in district_list():
        names = [district.name_ko, district.name_en or ""]
        vocabulary.add(district, [district.slug, district.code, *names])
        vocabulary.add(
            district,
            [re.sub(r"(?i)(\s*구|[\s-]+gu)$", "", name) for name in names],
            priority=1,
        )
    return vocabulary


def category_vocabulary() -> Vocabulary[Category]:
    vocabulary: Vocabulary[Category] = Vocabulary(
        unknown=gettext_lazy("There is no category “%(value)s”."), shown=lambda c: c.name
    )
    for category in selectors.all_categories():
        vocabulary.add(category, [category.slug, category.name_ko, category.name_en])
    return vocabulary


def kind_vocabulary() -> Vocabulary[str]:
    labels = dict(OrganizationKind.choices)
    vocabulary: Vocabulary[str] = Vocabulary(
        unknown=gettext_lazy("There is no type “%(value)s”."), shown=lambda v: str(labels[v])
    )
    for value, label in OrganizationKind.choices:
        vocabulary.add(value, [value])
        for language in ("ko", "en"):
            with translation.override(language):
                vocabulary.add(value, [str(label)])
    return vocabulary


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


def _resolve[T](row: ImportRow, column: str, vocabulary: Vocabulary[T]) -> list[T] | None:
    """The objects a list column names; None when the file has no such column (no change)."""
    if column not in row.values:
        return None
    found: list[T] = []
    for text in _split(row.values[column]):
        obj = vocabulary.resolve(row, column, text)
        if obj is not None and obj not in found:
            found.append(obj)
    return found


def _organization_changes(row: ImportRow) -> dict[str, str]:
    """The organization's facts the row gives; the type only when the file names one."""
    changes = {name: row.values[name] for name in ORGANIZATION_COLUMNS if name in row.values}
    changes.pop("kind", None)
    if row.kind:
        changes["kind"] = row.kind
    return changes


def _clean_organization(row: ImportRow) -> None:
    if row.is_new:
        organization = Organization(
            kind=OrganizationKind.ENTERPRISE, description_ko="", description_en=""
        )
    else:
        organization = copy(row.organization)
    for name, value in _organization_changes(row).items():
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


def _read_rows(text: str, parsed: ParsedImport) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
        parsed.columns = [name.strip().lower() for name in header]
        unknown = [name for name in parsed.columns if name not in IMPORT_COLUMNS]
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
        records: list[tuple[int, list[str]]] = []
        # Numbered as a spreadsheet numbers its rows (the header is row 1): a cell spanning
        # several lines is one row, and empty rows count though they are skipped.
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(records) >= MAX_ROWS:
                parsed.file_errors.append(
                    _("Import at most %(limit)d rows at a time.") % {"limit": MAX_ROWS}
                )
                return []
            records.append((number, cells))
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
            name: unguard(cell.strip()) for name, cell in zip(parsed.columns, padded, strict=False)
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
    categories, districts, kinds = (
        category_vocabulary(),
        district_vocabulary(),
        kind_vocabulary(),
    )
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
        if kind := row.values.get("kind", ""):
            row.kind = kinds.resolve(row, "kind", kind)
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
    text, encoding = read_upload(upload)
    parsed = parse_import(text)
    parsed.encoding = encoding
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
        kind=row.kind or OrganizationKind.ENTERPRISE,
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
        organization = organization_services.update_organization(
            actor=actor, organization=row.organization, **_organization_changes(row)
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
