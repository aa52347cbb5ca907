"""Official statistics: city staff import values from CSV (a preview, then a confirmation) and
define the official indicators they belong to.

The CSV has a header row naming its columns in English or Korean: `indicator` (지표: the
official indicator's code), `district` (자치구), `period` (기간), `value` (값), and optionally
`unit` (단위) and `source` (출처). It may be UTF-8, with or without a BOM, or CP949 (what Korean
Excel writes). A district is written by its code (11680), its name in Korean or English, with or
without 구/-gu (강남구, 강남, Gangnam-gu) or its address name; an empty cell, 전체, 서울(시),
Seoul, city or all is the whole city. A period is a year (2024, 2024년), a quarter (2024-Q1,
2024 Q1, 2024년 1분기) or a month (2024-03, 2024.3, 2024년 3월). A value is a number, with or
without thousands separators (1,234.5). An empty unit or source takes the indicator's.

An unknown indicator code is a row error, never a new indicator: staff define the indicator
first (its name, definition, unit, source and method in both languages), so nothing is
published without them.

`preview_import` parses and checks every row and writes nothing: each row's errors by column,
numbered as a spreadsheet numbers its rows (the header is row 1). A valid preview is kept in the
shared cache under a token for `PENDING_SECONDS`; `confirm_import` writes it in one transaction
(all rows or none), replacing the value of an indicator, district and period already held, and
records a `StatisticImport`. The token is claimed with an atomic `cache.add` before writing, so a
second confirmation of the same preview (a double click, a second tab) writes nothing.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sharehub.accounts.roles import signed_in_user
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.csvexport import unguard
from sharehub.directory.imports import district_vocabulary, name_key, read_upload
from sharehub.opendata.models import OfficialIndicator, Period, Statistic, StatisticImport
from sharehub.opendata.permissions import require_runs_open_data
from sharehub.places.models import District

MAX_ROWS = 5000
PENDING_SECONDS = 2 * 60 * 60
# A value the database holds: 20 digits, 4 after the point.
MAX_DECIMALS = 4
MAX_VALUE = Decimal(10) ** 16
ROW = "__all__"

# Each column and the header names it may have (compared without case, spaces or punctuation).
COLUMNS: dict[str, tuple[str, ...]] = {
    "indicator": ("indicator", "indicator code", "code", "지표", "지표코드", "지표 코드"),
    "district": ("district", "district code", "자치구", "자치구코드", "구", "지역"),
    "period": ("period", "기간", "시점"),
    "value": ("value", "값", "수치"),
    "unit": ("unit", "단위"),
    "source": ("source", "출처"),
}
REQUIRED = ("indicator", "period", "value")
KOREAN_HEADERS = {
    "indicator": "지표",
    "district": "자치구",
    "period": "기간",
    "value": "값",
    "unit": "단위",
    "source": "출처",
}
# Codes the pages' addresses use (statistics/import/, statistics/new/).
RESERVED_CODES = {"import", "new"}
# What a district cell may say for the whole city.
WHOLE_CITY = {
    name_key(word)
    for word in ("전체", "서울", "서울시", "서울특별시", "seoul", "city", "all", "whole city")
}

COLUMN_HELP = {
    "indicator": gettext_lazy(
        "The official indicator's code, as defined on the official statistics page (required)."
    ),
    "district": gettext_lazy(
        "The district's code (11680) or name in Korean or English (강남구, 강남, Gangnam-gu). Empty, 전체, Seoul or city: the whole city."
    ),
    "period": gettext_lazy("A year (2024), a quarter (2024-Q1) or a month (2024-03) (required)."),
    "value": gettext_lazy("A number; thousands separators are allowed (1,234.5) (required)."),
    "unit": gettext_lazy("Empty: the indicator's unit."),
    "source": gettext_lazy("Empty: the indicator's source."),
}

_YEAR = re.compile(r"^(\d{4})\s*년?$")
_QUARTER = re.compile(r"^(\d{4})\s*(?:[-./]?\s*q\s*([1-4])|년\s*([1-4])\s*분기)$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})\s*(?:[-./]\s*(\d{1,2})|년\s*(\d{1,2})\s*월)$")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


@dataclass(frozen=True)
class ParsedPeriod:
    text: str  # as stored: "2024", "2024-Q1", "2024-03"
    kind: str  # Period
    starts: date


def parse_period(text: str) -> ParsedPeriod | None:
    text = text.strip()
    if match := _YEAR.match(text):
        year = int(match.group(1))
        return ParsedPeriod(str(year), Period.YEAR, date(year, 1, 1)) if year >= 1900 else None
    if match := _QUARTER.match(text):
        year, quarter = int(match.group(1)), int(match.group(2) or match.group(3))
        if year < 1900:
            return None
        return ParsedPeriod(f"{year}-Q{quarter}", Period.QUARTER, date(year, 3 * quarter - 2, 1))
    if match := _MONTH.match(text):
        year, month = int(match.group(1)), int(match.group(2) or match.group(3))
        if year < 1900 or not 1 <= month <= 12:
            return None
        return ParsedPeriod(f"{year}-{month:02d}", Period.MONTH, date(year, month, 1))
    return None


def parse_value(text: str) -> Decimal | None:
    """A number written with or without thousands separators; None for anything else."""
    text = text.strip().replace(" ", "")
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


@dataclass
class StatisticRow:
    number: int  # the spreadsheet's row number (the header is row 1)
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    indicator: OfficialIndicator | None = None
    district: District | None = None
    period: ParsedPeriod | None = None
    value: Decimal | None = None

    def error(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(str(message))

    @property
    def unit(self) -> str:
        fallback = getattr(self.indicator, "unit_ko", "") if self.indicator else ""
        return self.values.get("unit", "") or fallback or ""

    @property
    def source(self) -> str:
        fallback = getattr(self.indicator, "source_ko", "") if self.indicator else ""
        return self.values.get("source", "") or fallback or ""

    @property
    def cells(self) -> list[tuple[str, list[str]]]:
        """(the file's text, its errors) of each column, in COLUMNS' order, for the preview."""
        return [(self.values.get(column, ""), self.errors.get(column, [])) for column in COLUMNS]

    @property
    def key(self) -> tuple[int, int | None, str] | None:
        if self.indicator is None or self.period is None:
            return None
        return (self.indicator.pk, self.district.pk if self.district else None, self.period.text)


@dataclass
class ParsedStatistics:
    columns: list[str] = field(default_factory=list)  # canonical names, in the file's order
    rows: list[StatisticRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    encoding: str = ""
    filename: str = ""
    token: str = ""  # set when a valid preview is kept for confirmation

    @property
    def rows_with_errors(self) -> list[StatisticRow]:
        return [row for row in self.rows if row.errors]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.file_errors and not self.rows_with_errors


def _header(cells: list[str], parsed: ParsedStatistics) -> bool:
    names = {name_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}
    columns: list[str] = []
    unknown: list[str] = []
    for cell in cells:
        column = names.get(name_key(cell))
        if column is None:
            unknown.append(cell.strip())
        columns.append(column or "")
    missing = [column for column in REQUIRED if column not in columns]
    duplicated = sorted({c for c in columns if c and columns.count(c) > 1})
    if unknown or missing or duplicated:
        parsed.file_errors.append(
            _(
                "The first row must be the header row: indicator, district, period, value, unit, source (or 지표, 자치구, 기간, 값, 단위, 출처); indicator, period and value are required."
            )
        )
        if unknown:
            parsed.file_errors.append(
                _("Unknown columns: %(names)s") % {"names": ", ".join(unknown)[:300]}
            )
        if missing:
            parsed.file_errors.append(
                _("Missing columns: %(names)s") % {"names": ", ".join(missing)}
            )
        if duplicated:
            parsed.file_errors.append(
                _("Columns given twice: %(names)s") % {"names": ", ".join(duplicated)}
            )
        return False
    parsed.columns = columns
    return True


def _records(text: str, parsed: ParsedStatistics) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    try:
        if not _header(next(reader, []), parsed):
            return []
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


def parse_statistics(text: str) -> ParsedStatistics:
    """Parse and check every row, writing nothing: three queries whatever the number of rows."""
    parsed = ParsedStatistics()
    records = _records(text, parsed)
    for number, cells in records:
        padded = cells + [""] * (len(parsed.columns) - len(cells))
        values = {
            name: unguard(cell.strip()) for name, cell in zip(parsed.columns, padded, strict=False)
        }
        row = StatisticRow(number=number, values=values)
        if len(cells) > len(parsed.columns):
            row.error(ROW, _("This row has more cells than the header."))
        parsed.rows.append(row)
    if not parsed.rows:
        return parsed
    codes = {row.values.get("indicator", "") for row in parsed.rows}
    indicators = {i.code: i for i in OfficialIndicator.objects.filter(code__in=codes)}
    lowered = {code.lower(): indicator for code, indicator in indicators.items()}
    districts = district_vocabulary()
    seen: dict[tuple[int, int | None, str], int] = {}
    for row in parsed.rows:
        code = row.values.get("indicator", "")
        if not code:
            row.error("indicator", _("This field is required."))
        else:
            row.indicator = indicators.get(code) or lowered.get(code.lower())
            if row.indicator is None:
                row.error(
                    "indicator",
                    _(
                        "There is no official indicator “%(value)s”. Define it on the official statistics page first."
                    )
                    % {"value": code},
                )
        district = row.values.get("district", "")
        if name_key(district) and name_key(district) not in WHOLE_CITY:
            row.district = districts.resolve(row, "district", district)  # type: ignore[arg-type]
        period = row.values.get("period", "")
        row.period = parse_period(period)
        if row.period is None:
            row.error(
                "period",
                _(
                    "“%(value)s” is not a period: write a year (2024), a quarter (2024-Q1) or a month (2024-03)."
                )
                % {"value": period}
                if period
                else _("This field is required."),
            )
        _check_value(row)
        for column, limit in (("unit", 40), ("source", 300)):
            if len(row.values.get(column, "")) > limit:
                row.error(
                    column,
                    _("Ensure this value has at most %(max)s characters.") % {"max": limit},
                )
        if (key := row.key) is not None and not row.errors.get("district"):
            if key in seen:
                row.error(
                    ROW,
                    _("Row %(row)d already gives this indicator, district and period.")
                    % {"row": seen[key]},
                )
            else:
                seen[key] = row.number
    return parsed


def _check_value(row: StatisticRow) -> None:
    text = row.values.get("value", "")
    if not text:
        row.error("value", _("This field is required."))
        return
    row.value = parse_value(text)
    if row.value is None:
        row.error(
            "value",
            _("“%(value)s” is not a number: write digits, with a point for decimals (1,234.5).")
            % {"value": text},
        )
        return
    exponent = row.value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
        row.error("value", _("Give at most %(places)d decimal places.") % {"places": MAX_DECIMALS})
    elif abs(row.value) >= MAX_VALUE:
        row.error("value", _("This number is too large."))


# --- Preview and confirmation ------------------------------------------------------------------


def _pending_key(token: str) -> str:
    return f"opendata:statistics-import:{token}"


def preview_import(*, actor: Actor, upload: Any) -> ParsedStatistics:
    """Read and check the uploaded file, writing nothing. A valid preview gets a `token` for
    `confirm_import`. A file that cannot be read raises a ValidationError on `file`."""
    require_runs_open_data(actor)
    text, encoding = read_upload(upload)
    parsed = parse_statistics(text)
    parsed.encoding, parsed.filename = encoding, (getattr(upload, "name", "") or "")[:200]
    if parsed.is_valid:
        parsed.token = secrets.token_urlsafe(24)
        cache.set(
            _pending_key(parsed.token),
            {
                "user": getattr(actor, "pk", None),
                "text": text,
                "encoding": encoding,
                "filename": parsed.filename,
            },
            timeout=PENDING_SECONDS,
        )
    return parsed


def confirm_import(*, actor: Actor, token: str) -> StatisticImport:
    """Write the preview kept under `token` (all rows or none). A token already confirmed, expired
    or someone else's is refused and writes nothing."""
    require_runs_open_data(actor)
    key = _pending_key(token)
    pending = cache.get(key) if token else None
    if not pending or pending.get("user") != getattr(actor, "pk", None):
        raise ValidationError(
            {
                "token": [
                    _(
                        "This preview was already imported or has expired. Upload the file again to see a new preview."
                    )
                ]
            },
            code="expired",
        )
    claim = f"{key}:claimed"
    if not cache.add(claim, True, timeout=PENDING_SECONDS):
        raise ValidationError(
            {"token": [_("This preview is already being imported.")]}, code="claimed"
        )
    try:
        record = import_statistics(
            actor=actor,
            text=pending["text"],
            filename=pending["filename"],
            encoding=pending["encoding"],
        )
    except BaseException:
        cache.delete(claim)  # nothing was written: the preview may be confirmed again
        raise
    cache.delete(key)
    return record


def import_statistics(
    *, actor: Actor, text: str, filename: str = "", encoding: str = "utf-8"
) -> StatisticImport:
    """Parse the CSV text and write every row in one transaction, or raise a ValidationError
    with the rows' errors and write nothing. A value of an indicator, district and period
    already held is replaced."""
    require_runs_open_data(actor)
    parsed = parse_statistics(text)
    if not parsed.is_valid:
        raise ValidationError(
            {"file": parsed.file_errors or _row_messages(parsed)}, code="invalid_rows"
        )
    try:
        with transaction.atomic():
            return _write(actor=actor, parsed=parsed, filename=filename, encoding=encoding)
    except IntegrityError as error:
        # Another import wrote one of these values at the same moment: nothing of this one stays.
        raise ValidationError(
            {"file": [_("Another import wrote the same values at the same time. Try again.")]},
            code="conflict",
        ) from error


def _row_messages(parsed: ParsedStatistics) -> list[str]:
    return [
        _("Row %(row)d: %(errors)s")
        % {"row": row.number, "errors": " ".join(m for ms in row.errors.values() for m in ms)}
        for row in parsed.rows_with_errors
    ]


def _write(
    *, actor: Actor, parsed: ParsedStatistics, filename: str, encoding: str
) -> StatisticImport:
    now = timezone.now()
    record = StatisticImport.objects.create(
        created_at=now,
        created_by=signed_in_user(actor),
        filename=filename[:200],
        encoding=encoding[:20],
        rows=len(parsed.rows),
    )
    indicator_ids = {row.indicator.pk for row in parsed.rows if row.indicator}
    periods = {row.period.text for row in parsed.rows if row.period}
    existing = {
        (s.indicator_id, s.district_id, s.period): s
        # Ordered by pk: the model's ordering joins the nullable district, which PostgreSQL
        # refuses to lock.
        for s in Statistic.objects.select_for_update(of=("self",))
        .filter(indicator_id__in=indicator_ids, period__in=periods)
        .order_by("pk")
    }
    new: list[Statistic] = []
    changed: list[Statistic] = []
    for row in parsed.rows:
        assert row.key is not None and row.period is not None and row.value is not None
        statistic = existing.get(row.key)
        if statistic is None:
            statistic = Statistic(indicator=row.indicator, district=row.district)
            new.append(statistic)
        else:
            changed.append(statistic)
        statistic.period = row.period.text
        statistic.period_kind = row.period.kind
        statistic.starts = row.period.starts
        statistic.value = row.value
        statistic.unit = row.unit[:40]
        statistic.source = row.source[:300]
        statistic.imported = record
    Statistic.objects.bulk_create(new)
    Statistic.objects.bulk_update(
        changed, ["period_kind", "starts", "value", "unit", "source", "imported"]
    )
    OfficialIndicator.objects.filter(pk__in=indicator_ids).update(updated_at=now)
    record.created, record.updated = len(new), len(changed)
    record.save(update_fields=["created", "updated"])
    log_action(
        actor=actor,
        action="opendata.statistics_imported",
        target=record,
        data={"rows": record.rows, "created": record.created, "updated": record.updated},
    )
    return record


# --- Official indicators -----------------------------------------------------------------------

INDICATOR_FIELDS = (
    *("code", "name_ko", "name_en", "unit_ko", "unit_en", "definition_ko", "definition_en"),
    *("method_ko", "method_en", "source_ko", "source_en"),
)


def save_official_indicator(
    *, actor: Actor, indicator: OfficialIndicator | None = None, **values: Any
) -> OfficialIndicator:
    """Create an official indicator, or change one (its code too: values keep pointing at it).
    `values` are INDICATOR_FIELDS; full_clean's errors are field errors."""
    require_runs_open_data(actor)
    unknown = set(values) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    with transaction.atomic():
        target = indicator or OfficialIndicator()
        if indicator is not None:
            target = OfficialIndicator.objects.select_for_update().get(pk=indicator.pk)
        for name, value in values.items():
            setattr(target, name, value)
        target.updated_at = timezone.now()
        target.full_clean()
        if target.code in RESERVED_CODES:
            raise ValidationError(
                {"code": [_("This code is reserved. Choose another.")]}, code="reserved"
            )
        created = target.pk is None
        target.save()
        log_action(
            actor=actor,
            action="opendata.official_indicator_created"
            if created
            else "opendata.official_indicator_changed",
            target=target,
            data={"code": target.code},
        )
    return target
