"""Writes of the data catalogue (city staff only, `permissions.require_runs_open_data`):
datasets and series, their resources (uploaded files, checked and stored privately, every
replaced file kept as a `ResourceVersion`; or live exports of a generator), publishing, the
download counter, and the indicator series kept in step with the live indicators.

Every change moves `Dataset.modified` (harvesters ask `modified_since`). Each write runs in one
transaction and checks the permission inside; a refused input is a ValidationError naming the
field, and nothing is written.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import zipfile
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.ratelimit import check_upload
from sharehub.core.uploads import display_name, extension_of, random_name, size_of
from sharehub.opendata import generators, indicators
from sharehub.opendata.models import (
    Dataset,
    DatasetKind,
    Format,
    Frequency,
    Licence,
    Resource,
    ResourceOrigin,
    ResourceVersion,
    Theme,
)
from sharehub.opendata.permissions import require_runs_open_data

ACTION = "opendata.dataset."
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# The extensions accepted for each format of an upload.
UPLOAD_EXTENSIONS = {
    "csv": Format.CSV,
    "json": Format.JSON,
    "geojson": Format.GEOJSON,
    "xlsx": Format.XLSX,
    "pdf": Format.PDF,
    "ods": Format.ODS,
    "zip": Format.ZIP,
}
DATASET_FIELDS = (
    "slug",
    "kind",
    "series",
    "title_ko",
    "title_en",
    "description_ko",
    "description_en",
    "publisher",
    "contact_name",
    "contact_email",
    "licence",
    "themes",
    "keywords_ko",
    "keywords_en",
    "spatial",
    "temporal_start",
    "temporal_end",
    "frequency",
)


def _error(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _touch(dataset: Dataset, now: Any = None) -> None:
    now = now or timezone.now()
    Dataset.objects.filter(pk=dataset.pk).update(modified=now)
    dataset.modified = now
    if dataset.series_id:
        # A member's change changes its series too.
        Dataset.objects.filter(pk=dataset.series_id).update(modified=now)


# --- datasets -------------------------------------------------------------------------------


def _apply(dataset: Dataset, data: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in DATASET_FIELDS:
        if name in data:
            value = data[name]
            if name in ("title_en", "description_en", "keywords_en") and value is None:
                value = ""
            if getattr(dataset, name) != value:
                setattr(dataset, name, value)
                changed.append(name)
    return changed


def _validate(dataset: Dataset) -> None:
    unknown = [code for code in dataset.themes or [] if code not in Theme.values]
    if unknown:
        raise _error("themes", _("Choose themes from the list."))
    if dataset.kind == DatasetKind.SERIES and dataset.series_id:
        raise _error("series", _("A dataset series cannot belong to another series."))
    if dataset.series_id and dataset.series_id == dataset.pk:
        raise _error("series", _("A dataset cannot be a member of itself."))
    if dataset.series is not None and dataset.series.kind != DatasetKind.SERIES:
        raise _error("series", _("Choose a dataset series."))
    if dataset.kind == DatasetKind.SERIES and dataset.pk and dataset.members.exists():
        pass  # a series keeps its members
    elif dataset.kind == DatasetKind.DATASET and dataset.pk and dataset.members.exists():
        raise _error("kind", _("This series has member datasets: it must stay a series."))
    if (
        dataset.temporal_start
        and dataset.temporal_end
        and dataset.temporal_end < dataset.temporal_start
    ):
        raise _error("temporal_end", _("The end of the period covered is before its start."))
    dataset.full_clean(exclude=["series", "publisher", "spatial", "created_by"])


def create_dataset(*, actor: Actor, data: Mapping[str, Any]) -> Dataset:
    """A new draft dataset (or series) with the metadata in `data` (DATASET_FIELDS)."""
    require_runs_open_data(actor)
    dataset = Dataset(created_by=_user(actor))
    _apply(dataset, data)
    dataset.themes = list(dataset.themes or [])
    if not dataset.contact_email:
        raise _error("contact_email", _("Give the office's public e-mail address."), "required")
    if Dataset.objects.filter(slug=dataset.slug).exists():
        raise _error("slug", _("Another dataset has this address."), "unique")
    _validate(dataset)
    with transaction.atomic():
        dataset.modified = timezone.now()
        dataset.save()
        log_action(
            actor=actor, action=ACTION + "create", target=dataset, data={"slug": dataset.slug}
        )
    return dataset


def update_dataset(*, actor: Actor, dataset: Dataset, data: Mapping[str, Any]) -> Dataset:
    require_runs_open_data(actor)
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        changed = _apply(dataset, data)
        if (
            "slug" in changed
            and Dataset.objects.filter(slug=dataset.slug).exclude(pk=dataset.pk).exists()
        ):
            raise _error("slug", _("Another dataset has this address."), "unique")
        _validate(dataset)
        if changed:
            dataset.modified = timezone.now()
            dataset.save()
            _touch(dataset, dataset.modified)
            log_action(
                actor=actor, action=ACTION + "update", target=dataset, data={"fields": changed}
            )
    return dataset


def publish_dataset(*, actor: Actor, dataset: Dataset) -> Dataset:
    require_runs_open_data(actor)
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if (
            dataset.series_id
            and not Dataset.objects.filter(pk=dataset.series_id, is_published=True).exists()
        ):
            raise ValidationError(_("Publish its dataset series first."), code="series_draft")
        now = timezone.now()
        dataset.is_published = True
        dataset.issued = dataset.issued or now
        dataset.modified = now
        dataset.save(update_fields=["is_published", "issued", "modified"])
        _touch(dataset, now)
        log_action(actor=actor, action=ACTION + "publish", target=dataset)
    return dataset


def unpublish_dataset(*, actor: Actor, dataset: Dataset) -> Dataset:
    """Back to a draft; a series takes its members with it (none stays public alone)."""
    require_runs_open_data(actor)
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        now = timezone.now()
        dataset.is_published = False
        dataset.modified = now
        dataset.save(update_fields=["is_published", "modified"])
        if dataset.is_series:
            Dataset.objects.filter(series=dataset).update(is_published=False, modified=now)
        _touch(dataset, now)
        log_action(actor=actor, action=ACTION + "unpublish", target=dataset)
    return dataset


def _delete_files_later(names: list[tuple[Any, str | None]]) -> None:
    def delete() -> None:
        for storage, name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(delete)


def delete_dataset(*, actor: Actor, dataset: Dataset) -> None:
    """The dataset, its resources and their files (after the commit); a series' members are kept
    as datasets on their own."""
    require_runs_open_data(actor)
    with transaction.atomic():
        files = []
        for resource in Resource.objects.filter(dataset=dataset):
            if resource.file:
                files.append((resource.file.storage, resource.file.name))
            files += [(v.file.storage, v.file.name) for v in resource.versions.all()]
        log_action(
            actor=actor, action=ACTION + "delete", target=dataset, data={"slug": dataset.slug}
        )
        if dataset.series_id:
            _touch(dataset)
        dataset.delete()
        _delete_files_later(files)


# --- uploads --------------------------------------------------------------------------------


def _zip_names(upload: Any) -> list[str] | None:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None


def _looks_like(fmt: str, upload: Any) -> bool:
    """The content agrees with the format (the extension alone proves nothing)."""
    upload.seek(0)
    head = upload.read(8)
    if fmt == Format.PDF:
        return head.startswith(b"%PDF-")
    if fmt in (Format.XLSX, Format.ODS, Format.ZIP):
        if not head.startswith(b"PK\x03\x04"):
            return False
        names = _zip_names(upload)
        if names is None:
            return False
        if fmt == Format.XLSX:
            return "xl/workbook.xml" in names
        if fmt == Format.ODS:
            try:
                upload.seek(0)
                with zipfile.ZipFile(upload) as archive:
                    return (
                        archive.read("mimetype")[:60]
                        == b"application/vnd.oasis.opendocument.spreadsheet"
                    )
            except (KeyError, zipfile.BadZipFile, OSError, ValueError):
                return False
        return True
    upload.seek(0)
    raw = upload.read()
    if b"\x00" in raw:
        return False
    if fmt == Format.CSV:
        for encoding in ("utf-8-sig", "cp949"):
            try:
                raw.decode(encoding)
                return True
            except UnicodeDecodeError:
                continue
        return False
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return False
    if fmt == Format.GEOJSON:
        return isinstance(data, dict) and data.get("type") in (
            "FeatureCollection",
            "Feature",
        )
    return isinstance(data, (list, dict))


def check_file(upload: Any, *, actor: Actor, field: str = "file") -> tuple[File, str, str, int]:
    """(the file renamed to a random name, its format, the client's name, its size), or a
    ValidationError on `field`: missing, empty, too large, an extension not accepted, or content
    that is not what the extension says."""
    if upload is None:
        raise _error(field, _("Choose a file to upload."), "required")
    check_upload(actor, kind="document", field=field)
    size = size_of(upload)
    if size > MAX_UPLOAD_BYTES:
        raise _error(
            field,
            _("The file is too large (%(size)s). The largest allowed is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_UPLOAD_BYTES)},
            "too_large",
        )
    if size == 0:
        raise _error(field, _("The file is empty."), "empty")
    name = display_name(getattr(upload, "name", ""), "data")
    extension = extension_of(name)
    fmt = UPLOAD_EXTENSIONS.get(extension)
    if fmt is None:
        raise _error(
            field,
            _("Upload a CSV, JSON, GeoJSON, XLSX, ODS, PDF or ZIP file."),
            "wrong_type",
        )
    if not _looks_like(fmt, upload):
        raise _error(
            field,
            _("The file's content is not a %(type)s file. Upload the real file.")
            % {"type": Format(fmt).label},
            "content_mismatch",
        )
    upload.seek(0)
    return File(upload, name=random_name(extension)), str(fmt), name, size


def _checksum(upload: Any) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _next_position(dataset: Dataset) -> int:
    last = dataset.resources.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


def _titles(title_ko: str, title_en: str, default: str) -> tuple[str, str]:
    return (title_ko or "").strip() or default, (title_en or "").strip()


def add_upload(
    *,
    actor: Actor,
    dataset: Dataset,
    upload: Any,
    title_ko: str = "",
    title_en: str = "",
    description_ko: str = "",
    description_en: str = "",
) -> Resource:
    """A resource from an uploaded file (checked, stored privately)."""
    require_runs_open_data(actor)
    stored, fmt, name, size = check_file(upload, actor=actor)
    checksum = _checksum(upload)
    title_ko, title_en = _titles(title_ko, title_en, name)
    now = timezone.now()
    resource = Resource(
        dataset=dataset,
        title_ko=title_ko,
        title_en=title_en,
        description_ko=description_ko or "",
        description_en=description_en or "",
        origin=ResourceOrigin.UPLOAD,
        format=fmt,
        original_name=name,
        byte_size=size,
        checksum=checksum,
        created_at=now,
        modified_at=now,
    )
    resource.file.save(stored.name or "", stored, save=False)
    try:
        with transaction.atomic():
            resource.position = _next_position(dataset)
            resource.save()
            _touch(dataset, now)
            log_action(
                actor=actor,
                action=ACTION + "add_resource",
                target=dataset,
                data={"resource": resource.pk},
            )
    except Exception:
        resource.file.storage.delete(resource.file.name or "")  # nothing half-written
        raise
    return resource


def add_generated(
    *,
    actor: Actor,
    dataset: Dataset,
    generator: str,
    format: str,
    title_ko: str = "",
    title_en: str = "",
    description_ko: str = "",
    description_en: str = "",
) -> Resource:
    """A resource generated live by `generator` (see generators.resolve) in `format`."""
    require_runs_open_data(actor)
    found = generators.resolve(generator)
    if found is None or len(generator) > 60:
        raise _error("generator", _("Choose a generator from the list."))
    if format not in found.formats:
        raise _error("format", _("This generator cannot write this format."))
    label = Format(format).label
    # The default titles in both languages, whatever the staff member's page language.
    name_ko, name_en = _texts(found.name)
    title_ko = (title_ko or "").strip() or f"{name_ko} ({label})"
    title_en = (title_en or "").strip() or f"{name_en} ({label})"
    with transaction.atomic():
        now = timezone.now()
        resource = Resource.objects.create(
            dataset=dataset,
            position=_next_position(dataset),
            title_ko=title_ko,
            title_en=title_en,
            description_ko=description_ko or "",
            description_en=description_en or "",
            origin=ResourceOrigin.GENERATED,
            generator=generator,
            format=format,
            created_at=now,
            modified_at=now,
        )
        _touch(dataset, now)
        log_action(
            actor=actor,
            action=ACTION + "add_resource",
            target=dataset,
            data={"resource": resource.pk},
        )
    return resource


def replace_file(*, actor: Actor, resource: Resource, upload: Any) -> Resource:
    """A new file for an uploaded resource: the current one is kept as a version, the version
    number goes up."""
    require_runs_open_data(actor)
    if resource.is_generated:
        raise _error("file", _("A generated resource has no file to replace."))
    stored, fmt, name, size = check_file(upload, actor=actor)
    checksum = _checksum(upload)
    new_name = resource.file.storage.save(
        resource.file.field.generate_filename(resource, stored.name or ""), stored
    )
    try:
        with transaction.atomic():
            resource = (
                Resource.objects.select_for_update().select_related("dataset").get(pk=resource.pk)
            )
            now = timezone.now()
            if resource.file:
                ResourceVersion.objects.create(
                    resource=resource,
                    number=resource.version,
                    file=resource.file.name,
                    original_name=resource.original_name,
                    format=resource.format,
                    byte_size=resource.byte_size,
                    checksum=resource.checksum,
                    created_at=now,
                    created_by=_user(actor),
                )
            resource.file.name = new_name
            resource.format = fmt
            resource.original_name = name
            resource.byte_size = size
            resource.checksum = checksum
            resource.version = resource.version + 1
            resource.modified_at = now
            resource.save()
            _touch(resource.dataset, now)
            log_action(
                actor=actor,
                action=ACTION + "replace_resource",
                target=resource.dataset,
                data={"resource": resource.pk, "version": resource.version},
            )
    except Exception:
        resource.file.storage.delete(new_name)
        raise
    return resource


def update_resource(
    *,
    actor: Actor,
    resource: Resource,
    title_ko: str,
    title_en: str = "",
    description_ko: str = "",
    description_en: str = "",
) -> Resource:
    require_runs_open_data(actor)
    if not (title_ko or "").strip():
        raise _error("title_ko", _("Give the resource a title."), "required")
    with transaction.atomic():
        resource.title_ko = title_ko.strip()
        resource.title_en = (title_en or "").strip()
        resource.description_ko = description_ko or ""  # type: ignore[attr-defined]
        resource.description_en = description_en or ""  # type: ignore[attr-defined]
        resource.modified_at = timezone.now()
        resource.save()
        _touch(resource.dataset, resource.modified_at)
    return resource


def remove_resource(*, actor: Actor, resource: Resource) -> None:
    """The resource and its versions; their files after the commit."""
    require_runs_open_data(actor)
    with transaction.atomic():
        # The stored row, not the caller's copy: a replace since may have changed its file.
        resource = (
            Resource.objects.select_for_update().select_related("dataset").get(pk=resource.pk)
        )
        dataset = resource.dataset
        files = [(v.file.storage, v.file.name) for v in resource.versions.all()]
        if resource.file:
            files.append((resource.file.storage, resource.file.name))
        log_action(
            actor=actor,
            action=ACTION + "remove_resource",
            target=dataset,
            data={"resource": resource.pk},
        )
        resource.delete()
        _touch(dataset)
        _delete_files_later(files)


def count_download(resource: Resource) -> None:
    """One more download, counted in the database (never lost between parallel downloads)."""
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)


# --- the indicator series and the standard datasets -----------------------------------------

INDICATOR_SLUG = "indicator-{code}"
# The city's open-data office, the default contact of the datasets the hub makes itself.
DEFAULT_CONTACT = {"contact_name": "공공데이터 담당", "contact_email": "opendata@sharehub.example"}


def _indicator_slug(code: str, year: int | None = None) -> str:
    slug = INDICATOR_SLUG.format(code=code.replace(".", "-").replace("_", "-"))
    return f"{slug}-{year}" if year else slug


def _ensure_generated(dataset: Dataset, spec: str, formats: tuple[str, ...], now: Any) -> int:
    """Resources of `spec` in each format, added when missing; returns how many were added."""
    generator = generators.resolve(spec)
    assert generator is not None, spec
    have = set(
        Resource.objects.filter(dataset=dataset, generator=spec).values_list("format", flat=True)
    )
    added = 0
    position = _next_position(dataset)
    for fmt in formats:
        if fmt in have or fmt not in generator.formats:
            continue
        with _language("ko"):
            title_ko = f"{generator.name} ({Format(fmt).label})"
        with _language("en"):
            title_en = f"{generator.name} ({Format(fmt).label})"
        Resource.objects.create(
            dataset=dataset,
            position=position,
            title_ko=title_ko,
            title_en=title_en,
            origin=ResourceOrigin.GENERATED,
            generator=spec,
            format=fmt,
            created_at=now,
            modified_at=now,
        )
        position += 1
        added += 1
    return added


def _language(code: str) -> Any:
    return translation.override(code)


def _texts(value: Any) -> tuple[str, str]:
    with _language("ko"):
        ko = str(value)
    with _language("en"):
        en = str(value)
    return ko, en


def sync_indicator_series() -> dict[str, int]:
    """One published dataset series per live indicator (`indicator-<code>`, its own resources the
    whole table) and one member dataset per year with data (`indicator-<code>-<year>`), each with
    CSV and JSON resources. Idempotent: only what is missing is created; a series or member staff
    unpublished stays unpublished; texts follow the indicator's definition."""
    created = {"series": 0, "members": 0, "resources": 0}
    now = timezone.now()
    for indicator in indicators.all_indicators():
        name_ko, name_en = _texts(indicator.name)
        definition_ko, definition_en = _texts(indicator.definition)
        keywords = indicator.group
        with transaction.atomic():
            series, made = Dataset.objects.get_or_create(
                slug=_indicator_slug(indicator.code),
                defaults={
                    "kind": DatasetKind.SERIES,
                    "title_ko": name_ko,
                    "title_en": name_en,
                    "description_ko": definition_ko,
                    "description_en": definition_en,
                    "keywords_ko": f"지표, {keywords}",
                    "keywords_en": f"indicator, {keywords}",
                    "themes": ["SOCI", "ECON"],
                    "licence": Licence.KOGL_1,
                    "frequency": Frequency.UPDATE_CONT,
                    "is_published": True,
                    "issued": now,
                    "modified": now,
                    **DEFAULT_CONTACT,
                },
            )
            created["series"] += made
            added = _ensure_generated(series, f"indicator/{indicator.code}", ("CSV", "JSON"), now)
            for year in generators.indicator_years(indicator.code):
                member, made = Dataset.objects.get_or_create(
                    slug=_indicator_slug(indicator.code, year),
                    defaults={
                        "kind": DatasetKind.DATASET,
                        "series": series,
                        "title_ko": f"{name_ko} ({year}년)",
                        "title_en": f"{name_en} ({year})",
                        "description_ko": definition_ko,
                        "description_en": definition_en,
                        "keywords_ko": f"지표, {keywords}, {year}",
                        "keywords_en": f"indicator, {keywords}, {year}",
                        "themes": ["SOCI", "ECON"],
                        "licence": Licence.KOGL_1,
                        "frequency": Frequency.UPDATE_CONT,
                        "temporal_start": f"{year}-01-01",
                        "temporal_end": f"{year}-12-31",
                        "is_published": series.is_published,
                        "issued": now if series.is_published else None,
                        "modified": now,
                        **DEFAULT_CONTACT,
                    },
                )
                created["members"] += made
                added += _ensure_generated(
                    member, f"indicator/{indicator.code}/{year}", ("CSV", "JSON"), now
                )
            created["resources"] += added
            if added:
                Dataset.objects.filter(pk=series.pk).update(modified=now)
    return created


# The standard datasets the demo publishes: (slug, generator, themes, ko title/description, en).
STANDARD_DATASETS: list[dict[str, Any]] = [
    {
        "slug": "sharing-directory",
        "generator": "directory.listings",
        "themes": ["SOCI", "ECON"],
        "title_ko": "공유 서비스 목록",
        "title_en": "Directory of sharing services",
        "description_ko": "공유 허브 목록에 공개된 공유 서비스와 단체: 분류, 서비스, 자치구, 주소와 좌표.",
        "description_en": "The sharing services and organizations public in the hub's directory: categories, services, districts, addresses and coordinates.",
        "keywords_ko": "공유, 공유 서비스, 목록",
        "keywords_en": "sharing, services, directory",
    },
    {
        "slug": "designation-register",
        "generator": "designation.register",
        "themes": ["GOVE", "ECON"],
        "title_ko": "공유단체·기업 지정 현황",
        "title_en": "Register of designated sharing organizations",
        "description_ko": "시가 지정한 공유단체와 공유기업의 지정 번호, 지정일, 유효 기간과 상태.",
        "description_en": "The sharing organizations and enterprises designated by the city: number, dates and status.",
        "keywords_ko": "공유단체, 공유기업, 지정",
        "keywords_en": "designation, sharing enterprise",
    },
    {
        "slug": "sharing-events",
        "generator": "events.public",
        "themes": ["EDUC", "SOCI"],
        "title_ko": "공유 행사",
        "title_en": "Sharing events",
        "description_ko": "시와 공개 단체가 여는 공유 행사: 일시, 장소, 정원과 신청 현황(신청자 정보는 없음).",
        "description_en": "Sharing events of the city and public organizations: when, where, capacity and places taken (no registrant data).",
        "keywords_ko": "행사, 교육, 공유",
        "keywords_en": "events, training, sharing",
    },
    {
        "slug": "public-spaces",
        "generator": "facilities.spaces",
        "themes": ["REGI", "SOCI"],
        "title_ko": "개방 공공 공간",
        "title_en": "Public spaces open for booking",
        "description_ko": "누구나 예약할 수 있는 공공 공간의 위치, 수용 인원, 면적과 이용료.",
        "description_en": "The public spaces anyone may book: location, capacity, area and fees.",
        "keywords_ko": "공공 공간, 개방, 예약",
        "keywords_en": "public spaces, opening, booking",
    },
    {
        "slug": "public-spaces-monthly-use",
        "generator": "facilities.monthly",
        "themes": ["REGI", "SOCI"],
        "frequency": Frequency.MONTHLY,
        "title_ko": "공공 공간 월별 이용 실적",
        "title_en": "Use of public spaces by month",
        "description_ko": "공간별 월간 이용 건수, 이용 인원, 예약·개방 시간, 이용률, 야간·주말 개방 비율.",
        "description_en": "Each space's monthly uses, people, hours booked and open, utilisation and evening and weekend share.",
        "keywords_ko": "공공 공간, 이용률, 야간, 주말",
        "keywords_en": "utilisation, evening, weekend",
    },
    {
        "slug": "support-awards",
        "generator": "programmes.awards",
        "themes": ["ECON", "GOVE"],
        "title_ko": "공유 지원사업 선정 결과",
        "title_en": "Support awarded",
        "description_ko": "시의 공유 지원사업 선정 결과: 단체, 사업, 지원 금액과 날짜.",
        "description_en": "The awards of the city's support programmes: organization, project, amount and date.",
        "keywords_ko": "지원사업, 보조금, 선정",
        "keywords_en": "grants, awards, support",
    },
    {
        "slug": "live-indicators",
        "generator": "indicators",
        "themes": ["SOCI", "ECON"],
        "frequency": Frequency.UPDATE_CONT,
        "title_ko": "공유 지표 전체",
        "title_en": "All live sharing indicators",
        "description_ko": "허브의 운영 데이터로 실시간 산출하는 모든 지표(월·자치구·분류별).",
        "description_en": "Every indicator computed live from the hub's operations, by month, district and category.",
        "keywords_ko": "지표, 통계",
        "keywords_en": "indicators, statistics",
    },
    {
        "slug": "official-statistics",
        "generator": "statistics.official",
        "themes": ["SOCI", "REGI"],
        "frequency": Frequency.IRREG,
        "title_ko": "공식 통계",
        "title_en": "Official statistics",
        "description_ko": "시가 가져온 공식 통계(인구, 면적 등)의 자치구·기간별 값.",
        "description_en": "The official statistics the city imported (population, area…) by district and period.",
        "keywords_ko": "공식 통계, 인구, 면적",
        "keywords_en": "official statistics, population, area",
    },
    {
        "slug": "district-scoreboard",
        "generator": "scoreboard.rankings",
        "themes": ["GOVE", "REGI"],
        "frequency": Frequency.ANNUAL,
        "title_ko": "자치구 공유촉진 평가 결과",
        "title_en": "District incentive scoreboard",
        "description_ko": "공개된 자치구 공유촉진 평가의 순위, 점수, 등급과 포상금.",
        "description_en": "The published district evaluations: rank, score, tier and prize.",
        "keywords_ko": "자치구, 평가, 순위, 포상금",
        "keywords_en": "districts, evaluation, ranking, prize",
    },
]


def ensure_standard_datasets() -> int:
    """The standard datasets, published, each with CSV, JSON, XLSX (and GeoJSON where the rows
    have coordinates); idempotent. Returns how many datasets were created."""
    created = 0
    now = timezone.now()
    for spec in STANDARD_DATASETS:
        values = {k: v for k, v in spec.items() if k not in ("slug", "generator")}
        values.setdefault("frequency", Frequency.UPDATE_CONT)
        with transaction.atomic():
            dataset, made = Dataset.objects.get_or_create(
                slug=spec["slug"],
                defaults={
                    **values,
                    "licence": Licence.KOGL_1,
                    "is_published": True,
                    "issued": now,
                    "modified": now,
                    **DEFAULT_CONTACT,
                },
            )
            created += made
            if _ensure_generated(dataset, spec["generator"], generators.GENERATED_FORMATS, now):
                Dataset.objects.filter(pk=dataset.pk).update(modified=now)
    return created


def refresh_generated_content(*, now: datetime.datetime | None = None) -> int:
    """The daily job: a generated resource is live, so when its rows changed since the last check
    its `modified_at` and its dataset's `modified` move to now. DCAT's `dct:modified` and the
    catalogue's `modified_since` then tell harvesters what to fetch again. Each generator is read
    once (as CSV, hashed) however many resources use it. Returns the datasets moved."""
    now = now or timezone.now()
    specs = (
        Resource.objects.filter(origin=ResourceOrigin.GENERATED)
        .order_by()
        .values_list("generator", flat=True)
        .distinct()
    )
    moved: set[int] = set()
    for spec in sorted(specs):
        generator = generators.resolve(spec)
        if generator is None:
            continue
        digest = hashlib.sha256()
        for chunk in generators.csv_bytes(generator):
            digest.update(chunk)
        fingerprint = digest.hexdigest()
        with transaction.atomic():
            changed = Resource.objects.filter(
                origin=ResourceOrigin.GENERATED, generator=spec
            ).exclude(fingerprint=fingerprint)
            datasets = set(changed.values_list("dataset_id", flat=True))
            changed.update(fingerprint=fingerprint, modified_at=now)
            Dataset.objects.filter(pk__in=datasets).update(modified=now)
        moved |= datasets
    return len(moved)
