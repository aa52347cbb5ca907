"""Writes to places: loading a city's districts and neighbourhoods from GeoJSON files."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .geometry import GeometryError, centroid, clean_geometry
from .models import District, Neighbourhood

# The model keeps six decimals (about 10 cm): round every coordinate the same way so that a
# second load compares equal to the first.
COORDINATE_STEP = Decimal("0.000001")


@dataclass(frozen=True)
class LoadCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class _FeatureRow:
    """One feature of the file, checked, before it touches the database."""

    label: str
    code: str
    name_ko: str
    name_en: str
    boundary: dict


def bundled_district_files() -> tuple[Path, Path]:
    """The project's own copy of Seoul's districts: (GeoJSON boundaries, centroids CSV)."""
    data = Path(settings.BASE_DIR) / "data"
    return data / "seoul-districts.geojson", data / "seoul-districts.csv"


def bundled_neighbourhood_file() -> Path:
    """The project's own copy of Seoul's 467 legal neighbourhoods (GeoJSON boundaries)."""
    return Path(settings.BASE_DIR) / "data" / "seoul-neighborhoods.geojson"


def _coordinate(value: Any) -> Decimal:
    number = Decimal(str(value))
    if not number.is_finite():  # "NaN" and "Infinity" parse, but are no place
        raise InvalidOperation(value)
    return number.quantize(COORDINATE_STEP, rounding=ROUND_HALF_UP)


def _read_text(path: Path) -> str:
    try:
        # utf-8-sig: files saved by spreadsheet programs often start with a byte-order mark.
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValidationError(_("File not found: %(path)s") % {"path": path}) from None
    except UnicodeDecodeError:
        raise ValidationError(_("%(path)s is not UTF-8 text.") % {"path": path}) from None
    except OSError as exc:
        raise ValidationError(
            _("%(path)s cannot be read: %(error)s") % {"path": path, "error": exc.strerror}
        ) from None


def _read_geojson(path: Path) -> list:
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _("%(path)s is not valid JSON (line %(line)d, column %(column)d): %(error)s")
            % {"path": path, "line": exc.lineno, "column": exc.colno, "error": exc.msg}
        ) from None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise ValidationError(_("%(path)s is not a GeoJSON FeatureCollection.") % {"path": path})
    if not data["features"]:
        raise ValidationError(_("%(path)s has no features.") % {"path": path})
    return data["features"]


def _text_property(properties: dict, name: str) -> str:
    value = properties.get(name)
    if value is None or value == "":
        available = ", ".join(sorted(properties)) or "-"
        raise ValidationError(
            _('The property "%(name)s" is missing (the feature has: %(available)s).')
            % {"name": name, "available": available}
        )
    # Codes are sometimes numbers in GeoJSON (11110 rather than "11110"); names never are.
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValidationError(_('The property "%(name)s" must be text.') % {"name": name})
    return str(value).strip()


def _read_feature(
    feature: Any,
    label: str,
    *,
    code_property: str,
    name_ko_property: str,
    name_en_property: str,
    name_en_required: bool = True,
) -> _FeatureRow:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValidationError(_("It is not a GeoJSON Feature."))
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise ValidationError(_("Its properties are not an object."))
    errors = []
    texts: dict[str, str] = {}
    for key, name in (
        ("code", code_property),
        ("name_ko", name_ko_property),
        ("name_en", name_en_property),
    ):
        if key == "name_en" and not name_en_required and properties.get(name) in (None, ""):
            texts[key] = ""
            continue
        try:
            texts[key] = _text_property(properties, name)
        except ValidationError as exc:
            errors.extend(exc.messages)
    boundary: dict = {}
    try:
        boundary = clean_geometry(feature.get("geometry"))
    except GeometryError as exc:
        errors.append(str(exc))
    if errors:
        raise ValidationError(errors)
    return _FeatureRow(
        label=label,
        code=texts["code"],
        name_ko=texts["name_ko"],
        name_en=texts["name_en"],
        boundary=boundary,
    )


def _read_features(
    path: Path,
    *,
    code_property: str,
    name_ko_property: str,
    name_en_property: str,
    name_en_required: bool = True,
) -> list[_FeatureRow]:
    rows, errors = _read_rows(
        path,
        code_property=code_property,
        name_ko_property=name_ko_property,
        name_en_property=name_en_property,
        name_en_required=name_en_required,
    )
    if errors:
        raise ValidationError(errors)
    return rows


def _read_rows(
    path: Path,
    *,
    code_property: str,
    name_ko_property: str,
    name_en_property: str,
    name_en_required: bool,
) -> tuple[list[_FeatureRow], list[str]]:
    """The good features and the problems of the others (a file that is no FeatureCollection
    raises at once)."""
    rows: list[_FeatureRow] = []
    errors: list[str] = []
    seen: dict[str, str] = {}
    for number, feature in enumerate(_read_geojson(path), start=1):
        label = _("Feature %(number)d") % {"number": number}
        try:
            row = _read_feature(
                feature,
                label,
                code_property=code_property,
                name_ko_property=name_ko_property,
                name_en_property=name_en_property,
                name_en_required=name_en_required,
            )
        except ValidationError as exc:
            errors.extend(f"{label}: {message}" for message in exc.messages)
            continue
        label = f"{label} ({row.code})"
        if row.code in seen:
            errors.append(
                _("%(label)s: the code is used twice (also by %(other)s).")
                % {"label": label, "other": seen[row.code]}
            )
        seen[row.code] = label
        rows.append(replace(row, label=label))
    return rows, errors


def _read_centroids(path: Path) -> dict[str, tuple[Decimal, Decimal]]:
    """code → (latitude, longitude) from a CSV with at least the columns code, lat, lon."""
    reader = csv.DictReader(_read_text(path).splitlines())
    missing = [
        column for column in ("code", "lat", "lon") if column not in (reader.fieldnames or [])
    ]
    if missing:
        raise ValidationError(
            _("%(path)s lacks the columns: %(columns)s.")
            % {"path": path, "columns": ", ".join(missing)}
        )
    centroids: dict[str, tuple[Decimal, Decimal]] = {}
    errors: list[str] = []
    for number, line in enumerate(reader, start=2):
        code = (line["code"] or "").strip()
        try:
            lat, lon = (
                _coordinate((line["lat"] or "").strip()),
                _coordinate((line["lon"] or "").strip()),
            )
        except InvalidOperation:
            errors.append(
                _("%(path)s line %(line)d: lat and lon must be numbers.")
                % {"path": path, "line": number}
            )
            continue
        if not code:
            errors.append(
                _("%(path)s line %(line)d: the code is empty.") % {"path": path, "line": number}
            )
        elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
            errors.append(
                _("%(path)s line %(line)d: the coordinates are out of range.")
                % {"path": path, "line": number}
            )
        elif code in centroids:
            errors.append(
                _("%(path)s line %(line)d: the code %(code)s is used twice.")
                % {"path": path, "line": number, "code": code}
            )
        else:
            centroids[code] = (lat, lon)
    if errors:
        raise ValidationError(errors)
    return centroids


def _free_slug(row: _FeatureRow, taken: dict[str, str]) -> str:
    """A slug from the English name; the code disambiguates two districts of the same name."""
    base = slugify(row.name_en) or slugify(row.code)
    for candidate in (base, slugify(f"{base}-{row.code}")):
        if taken.get(candidate, row.code) == row.code:
            return candidate
    return slugify(f"district-{row.code}")


def _is_unchanged(
    district: District, row: _FeatureRow, latitude: Decimal, longitude: Decimal
) -> bool:
    return (
        district.name_ko == row.name_ko
        and district.name_en == row.name_en
        and district.latitude == latitude
        and district.longitude == longitude
        and district.boundary == row.boundary
    )


def load_districts(
    *,
    geojson_path: str | Path,
    centroids_csv: str | Path | None = None,
    code_property: str = "SIG_CD",
    name_ko_property: str = "SIG_KOR_NM",
    name_en_property: str = "SIG_ENG_NM",
) -> LoadCounts:
    """Create or update one district per feature of a GeoJSON FeatureCollection, matched by code.

    Idempotent: loading the same files again reports every district unchanged. The whole file is
    checked first and written in one transaction, so one bad feature leaves the database as it was.
    A district keeps its slug once created, because the slug is in every link to its page.
    Districts missing from the file are left alone: organizations and people point to them.
    Raises ValidationError listing every problem found.
    """
    rows = _read_features(
        Path(geojson_path),
        code_property=code_property,
        name_ko_property=name_ko_property,
        name_en_property=name_en_property,
    )
    centroids = _read_centroids(Path(centroids_csv)) if centroids_csv else None

    errors: list[str] = []
    points: dict[str, tuple[Decimal, Decimal]] = {}
    for row in rows:
        if centroids is not None:
            if row.code not in centroids:
                errors.append(
                    _("%(label)s: no row for this code in the centroids file.")
                    % {"label": row.label}
                )
                continue
            points[row.code] = centroids[row.code]
        else:
            try:
                lat, lon = centroid(row.boundary)
            except GeometryError as exc:
                errors.append(f"{row.label}: {exc}")
                continue
            points[row.code] = (_coordinate(lat), _coordinate(lon))
    if errors:
        raise ValidationError(errors)

    created = updated = unchanged = 0
    with transaction.atomic():
        existing = {d.code: d for d in District.objects.filter(code__in=[row.code for row in rows])}
        taken = dict(District.objects.values_list("slug", "code"))
        for row in rows:
            latitude, longitude = points[row.code]
            district = existing.get(row.code)
            if district is None:
                district = District(code=row.code, slug=_free_slug(row, taken))
                taken[district.slug] = row.code
            elif _is_unchanged(district, row, latitude, longitude):
                unchanged += 1
                continue
            is_new = district.pk is None
            district.name_ko, district.name_en = row.name_ko, row.name_en
            district.latitude, district.longitude = latitude, longitude
            district.boundary = row.boundary
            try:
                district.full_clean()
            except ValidationError as exc:
                errors.extend(f"{row.label}: {message}" for message in exc.messages)
                continue
            district.save()
            created += is_new
            updated += not is_new
        if errors:
            # Raising inside atomic() rolls back the districts already saved in this run.
            raise ValidationError(errors)
    return LoadCounts(created=created, updated=updated, unchanged=unchanged)


def _district_of(code: str, districts: dict[str, District]) -> District | None:
    """The district whose code begins the neighbourhood's (Korean codes nest: 11110 ⊂ 11110101)."""
    for length in range(len(code) - 1, 0, -1):
        if district := districts.get(code[:length]):
            return district
    return None


def load_neighbourhoods(
    *,
    geojson_path: str | Path,
    code_property: str = "EMD_CD",
    name_ko_property: str = "EMD_KOR_NM",
    name_en_property: str = "EMD_ENG_NM",
) -> LoadCounts:
    """Create or update one neighbourhood per feature, matched by code, in the district whose code
    begins its own (load the districts first).

    As `load_districts`: idempotent, the whole file checked first and written in one transaction,
    every problem listed in one ValidationError, neighbourhoods missing from the file left alone.
    The English name may be missing: the map then writes the Korean one.
    """
    rows, errors = _read_rows(
        Path(geojson_path),
        code_property=code_property,
        name_ko_property=name_ko_property,
        name_en_property=name_en_property,
        name_en_required=False,
    )
    districts = {d.code: d for d in District.objects.defer("boundary")}
    found: list[tuple[_FeatureRow, District, Decimal, Decimal]] = []
    for row in rows:
        district = _district_of(row.code, districts)
        if district is None:
            errors.append(
                _("%(label)s: no district has a code that begins this code.") % {"label": row.label}
            )
            continue
        try:
            lat, lon = centroid(row.boundary)
        except GeometryError as exc:
            errors.append(f"{row.label}: {exc}")
            continue
        found.append((row, district, _coordinate(lat), _coordinate(lon)))
    if errors:
        raise ValidationError(errors)

    created = updated = unchanged = 0
    with transaction.atomic():
        existing = {
            n.code: n for n in Neighbourhood.objects.filter(code__in=[row.code for row in rows])
        }
        for row, district, latitude, longitude in found:
            neighbourhood = existing.get(row.code) or Neighbourhood(code=row.code)
            values = {
                "district_id": district.pk,
                "name_ko": row.name_ko,
                "name_en": row.name_en,
                "latitude": latitude,
                "longitude": longitude,
                "boundary": row.boundary,
            }
            if neighbourhood.pk and all(
                getattr(neighbourhood, name) == value for name, value in values.items()
            ):
                unchanged += 1
                continue
            is_new = neighbourhood.pk is None
            for name, value in values.items():
                setattr(neighbourhood, name, value)
            try:
                # The code is unique in the file and matched above, the district was just read
                # and a centroid of checked positions is on Earth: no query per row for them.
                neighbourhood.full_clean(
                    exclude=["district"], validate_unique=False, validate_constraints=False
                )
            except ValidationError as exc:
                errors.extend(f"{row.label}: {message}" for message in exc.messages)
                continue
            neighbourhood.save()
            created += is_new
            updated += not is_new
        if errors:
            raise ValidationError(errors)
    return LoadCounts(created=created, updated=updated, unchanged=unchanged)
