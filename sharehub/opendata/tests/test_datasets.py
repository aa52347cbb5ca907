"""The data catalogue's services: permissions, datasets and series, uploads (bad ones refused
with field errors and nothing written), versions kept on replace, the download counter, the
indicator series and the standard datasets, and the search index."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

import sharehub.opendata.manifest_datasets  # noqa: F401  registers the search and the job
from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.uploads import private_storage
from sharehub.directory.tests.factories import ListingFactory
from sharehub.opendata.models import (
    Dataset,
    DatasetKind,
    Resource,
    ResourceOrigin,
    ResourceVersion,
)
from sharehub.opendata.selectors import datasets as selectors
from sharehub.opendata.services import datasets as services
from sharehub.opendata.tests.factories import DatasetFactory, ResourceFactory
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory
from sharehub.search.selectors import search

pytestmark = pytest.mark.django_db

CSV_BYTES = "이름,값\n가,1\n나,2\n".encode()


def csv_file(name: str = "data.csv", content: bytes = CSV_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def stored_files() -> list[Path]:
    root = Path(private_storage().location)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def metadata(**overrides) -> dict:
    values = {
        "slug": "bike-racks",
        "kind": DatasetKind.DATASET,
        "title_ko": "자전거 거치대",
        "title_en": "Bike racks",
        "description_ko": "공유 자전거 거치대 목록",
        "description_en": "Shared bike racks",
        "contact_name": "공공데이터 담당",
        "contact_email": "opendata@city.example",
        "licence": "CC_BY_4_0",
        "themes": ["TRAN"],
        "keywords_ko": "자전거, 교통",
        "keywords_en": "bicycle, transport",
        "frequency": "MONTHLY",
    }
    values.update(overrides)
    return values


@pytest.fixture
def member():
    user = UserFactory()
    MembershipFactory(user=user, role=MemberRole.OWNER)
    return user


@pytest.fixture
def outsiders(user, member):
    return [AnonymousUser(), user, member]


# --- permissions ----------------------------------------------------------------------------


def test_every_write_is_refused_to_anyone_but_city_staff(outsiders):
    dataset = DatasetFactory(is_published=False, issued=None)
    resource = ResourceFactory(dataset=dataset)
    uploaded = Resource.objects.create(
        dataset=dataset, title_ko="파일", origin=ResourceOrigin.UPLOAD, format="CSV"
    )

    def writes(actor):
        return [
            lambda: services.create_dataset(actor=actor, data=metadata()),
            lambda: services.update_dataset(actor=actor, dataset=dataset, data={"title_ko": "x"}),
            lambda: services.publish_dataset(actor=actor, dataset=dataset),
            lambda: services.unpublish_dataset(actor=actor, dataset=dataset),
            lambda: services.delete_dataset(actor=actor, dataset=dataset),
            lambda: services.add_upload(actor=actor, dataset=dataset, upload=csv_file()),
            lambda: services.add_generated(
                actor=actor, dataset=dataset, generator="indicators", format="CSV"
            ),
            lambda: services.replace_file(actor=actor, resource=uploaded, upload=csv_file()),
            lambda: services.update_resource(actor=actor, resource=resource, title_ko="x"),
            lambda: services.remove_resource(actor=actor, resource=resource),
        ]

    for actor in outsiders:
        for call in writes(actor):
            with pytest.raises(PermissionDenied):
                call()
    dataset.refresh_from_db()
    assert Dataset.objects.count() == 1 and not dataset.is_published
    assert dataset.title_ko != "x"
    assert Resource.objects.count() == 2 and not stored_files()


# --- datasets -------------------------------------------------------------------------------


def test_create_update_publish_unpublish_delete(city_staff):
    dataset = services.create_dataset(actor=city_staff, data=metadata())
    assert not dataset.is_published and dataset.issued is None
    assert dataset.created_by == city_staff
    before = dataset.modified
    dataset = services.update_dataset(
        actor=city_staff, dataset=dataset, data={"title_en": "Bicycle racks"}
    )
    assert dataset.title_en == "Bicycle racks" and dataset.modified > before
    dataset = services.publish_dataset(actor=city_staff, dataset=dataset)
    assert dataset.is_published and dataset.issued is not None
    issued = dataset.issued
    dataset = services.unpublish_dataset(actor=city_staff, dataset=dataset)
    dataset = services.publish_dataset(actor=city_staff, dataset=dataset)
    assert dataset.issued == issued  # issued once, kept
    services.delete_dataset(actor=city_staff, dataset=dataset)
    assert not Dataset.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"slug": "taken"}, "slug"),
        ({"slug": "Not a slug!"}, "slug"),
        ({"themes": ["NOPE"]}, "themes"),
        (
            {"temporal_start": dt.date(2025, 5, 1), "temporal_end": dt.date(2025, 1, 1)},
            "temporal_end",
        ),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"title_ko": ""}, "title_ko"),
        ({"licence": "GPL"}, "licence"),
    ],
)
def test_bad_metadata_is_a_field_error_and_nothing_is_written(city_staff, overrides, field):
    DatasetFactory(slug="taken")
    with pytest.raises(ValidationError) as error:
        services.create_dataset(actor=city_staff, data=metadata(**overrides))
    assert field in error.value.message_dict
    assert Dataset.objects.count() == 1


def test_a_series_and_its_members(city_staff):
    series = services.create_dataset(
        actor=city_staff, data=metadata(slug="racks", kind=DatasetKind.SERIES)
    )
    member = services.create_dataset(
        actor=city_staff, data=metadata(slug="racks-2025", series=series)
    )
    with pytest.raises(ValidationError) as error:
        services.publish_dataset(actor=city_staff, dataset=member)
    assert error.value.code == "series_draft"
    services.publish_dataset(actor=city_staff, dataset=series)
    services.publish_dataset(actor=city_staff, dataset=member)
    with pytest.raises(ValidationError) as error:
        services.create_dataset(
            actor=city_staff,
            data=metadata(slug="nested", kind=DatasetKind.SERIES, series=series),
        )
    assert "series" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.create_dataset(actor=city_staff, data=metadata(slug="bad", series=member))
    assert "series" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.update_dataset(
            actor=city_staff, dataset=series, data={"kind": DatasetKind.DATASET}
        )
    # Unpublishing the series takes its members out of the catalogue too.
    services.unpublish_dataset(actor=city_staff, dataset=series)
    member.refresh_from_db()
    assert not member.is_published
    assert not selectors.public_datasets().exists()


# --- resources ------------------------------------------------------------------------------


def test_upload_is_stored_privately_with_size_and_checksum(city_staff):
    dataset = DatasetFactory()
    before = dataset.modified
    resource = services.add_upload(
        actor=city_staff, dataset=dataset, upload=csv_file("racks 2025.csv"), title_ko=""
    )
    assert resource.format == "CSV" and resource.original_name == "racks 2025.csv"
    assert resource.title_ko == "racks 2025.csv"
    assert resource.byte_size == len(CSV_BYTES)
    assert len(resource.checksum) == 64 and resource.version == 1
    assert resource.file.storage is private_storage() or isinstance(
        resource.file.storage, type(private_storage())
    )
    assert resource.file.name.endswith(".csv") and "racks" not in resource.file.name
    dataset.refresh_from_db()
    assert dataset.modified > before


GOOD_UPLOADS = {
    "a.csv": CSV_BYTES,
    "a.json": b'[{"a": 1}]',
    "a.geojson": b'{"type": "FeatureCollection", "features": []}',
    "a.xlsx": xlsx_bytes([["a"], [1]]),
    "a.pdf": b"%PDF-1.4\n%%EOF",
    "a.ods": zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
    "a.zip": zip_bytes({"readme.txt": b"hello"}),
}


@pytest.mark.parametrize("name", sorted(GOOD_UPLOADS))
def test_every_accepted_type(city_staff, name):
    resource = services.add_upload(
        actor=city_staff,
        dataset=DatasetFactory(),
        upload=SimpleUploadedFile(name, GOOD_UPLOADS[name]),
    )
    assert resource.format == {"ods": "ODS", "geojson": "GEOJSON"}.get(
        name.split(".")[1], name.split(".")[1].upper()
    )


BAD_UPLOADS = {
    "binary.csv": b"a,b\n\x00\x01\x02",
    "broken.json": b"{not json",
    "list.geojson": b"[1, 2]",
    "fake.xlsx": zip_bytes({"word/document.xml": b"<w/>"}),
    "text.xlsx": b"just text",
    "fake.pdf": b"<html>",
    "fake.ods": zip_bytes({"mimetype": b"application/zip"}),
    "broken.zip": b"PK\x03\x04 broken",
    "program.exe": b"MZ\x90\x00",
    "noextension": CSV_BYTES,
    "empty.csv": b"",
}


@pytest.mark.parametrize("name", sorted(BAD_UPLOADS))
def test_bad_uploads_are_refused_on_the_file_field_and_nothing_is_written(city_staff, name):
    dataset = DatasetFactory()
    modified = dataset.modified
    with pytest.raises(ValidationError) as error:
        services.add_upload(
            actor=city_staff, dataset=dataset, upload=SimpleUploadedFile(name, BAD_UPLOADS[name])
        )
    assert list(error.value.message_dict) == ["file"]
    assert not Resource.objects.exists() and not stored_files()
    dataset.refresh_from_db()
    assert dataset.modified == modified


def test_too_large_and_missing_uploads(city_staff, monkeypatch):
    monkeypatch.setattr(services, "MAX_UPLOAD_BYTES", 10)
    dataset = DatasetFactory()
    with pytest.raises(ValidationError) as error:
        services.add_upload(actor=city_staff, dataset=dataset, upload=csv_file())
    assert error.value.error_dict["file"][0].code == "too_large"
    with pytest.raises(ValidationError) as error:
        services.add_upload(actor=city_staff, dataset=dataset, upload=None)
    assert error.value.error_dict["file"][0].code == "required"
    assert not Resource.objects.exists() and not stored_files()


def test_replace_keeps_the_old_file_as_a_version(city_staff):
    dataset = DatasetFactory()
    resource = services.add_upload(actor=city_staff, dataset=dataset, upload=csv_file())
    old_name, old_checksum = resource.file.name, resource.checksum
    new_content = b'[{"a": 2}]'
    resource = services.replace_file(
        actor=city_staff, resource=resource, upload=SimpleUploadedFile("new.json", new_content)
    )
    assert resource.version == 2 and resource.format == "JSON"
    assert resource.byte_size == len(new_content) and resource.checksum != old_checksum
    version = ResourceVersion.objects.get(resource=resource)
    assert version.number == 1 and version.file.name == old_name
    assert version.checksum == old_checksum and version.format == "CSV"
    assert version.created_by == city_staff
    with version.file.open("rb") as handle:
        assert handle.read() == CSV_BYTES
    with resource.file.open("rb") as handle:
        assert handle.read() == new_content
    services.replace_file(actor=city_staff, resource=resource, upload=csv_file())
    assert list(resource.versions.values_list("number", flat=True)) == [2, 1]
    # A bad replacement changes nothing.
    with pytest.raises(ValidationError):
        services.replace_file(
            actor=city_staff, resource=resource, upload=SimpleUploadedFile("x.pdf", b"nope")
        )
    resource.refresh_from_db()
    assert resource.version == 3 and resource.versions.count() == 2
    assert len(stored_files()) == 3


def test_remove_resource_deletes_its_files_after_commit(
    city_staff, django_capture_on_commit_callbacks
):
    dataset = DatasetFactory()
    resource = services.add_upload(actor=city_staff, dataset=dataset, upload=csv_file())
    services.replace_file(actor=city_staff, resource=resource, upload=csv_file())
    assert len(stored_files()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_resource(actor=city_staff, resource=resource)
    assert not Resource.objects.exists() and not ResourceVersion.objects.exists()
    assert not stored_files()


def test_add_generated_checks_the_generator_and_format(city_staff):
    dataset = DatasetFactory()
    resource = services.add_generated(
        actor=city_staff, dataset=dataset, generator="directory.listings", format="GEOJSON"
    )
    assert resource.origin == ResourceOrigin.GENERATED and resource.title_ko
    spec = "indicator/directory.listings/2025"
    assert (
        services.add_generated(
            actor=city_staff, dataset=dataset, generator=spec, format="JSON"
        ).generator
        == spec
    )
    for generator, fmt, field in (
        ("no.such", "CSV", "generator"),
        ("indicator/no.such", "CSV", "generator"),
        ("programmes.awards", "GEOJSON", "format"),
        ("indicators", "PDF", "format"),
    ):
        with pytest.raises(ValidationError) as error:
            services.add_generated(
                actor=city_staff, dataset=dataset, generator=generator, format=fmt
            )
        assert field in error.value.message_dict
    assert Resource.objects.count() == 2


def test_count_download_adds_one_each_time():
    resource = ResourceFactory()
    for _n in range(3):
        services.count_download(resource)
    resource.refresh_from_db()
    assert resource.download_count == 3


# --- the indicator series and the standard datasets -----------------------------------------


def test_sync_indicator_series_is_idempotent():
    from sharehub.opendata import indicators

    listing = ListingFactory()
    type(listing).objects.filter(pk=listing.pk).update(
        created_at=dt.datetime(2025, 6, 1, 3, tzinfo=dt.UTC)
    )
    first = services.sync_indicator_series()
    assert first["series"] == len(indicators.all_indicators())
    series = Dataset.objects.get(slug="indicator-directory-listings")
    assert series.kind == DatasetKind.SERIES and series.is_published
    member = Dataset.objects.get(slug="indicator-directory-listings-2025")
    assert member.series == series and member.temporal_start == dt.date(2025, 1, 1)
    assert sorted(member.resources.values_list("format", "generator")) == [
        ("CSV", "indicator/directory.listings/2025"),
        ("JSON", "indicator/directory.listings/2025"),
    ]
    assert set(series.resources.values_list("generator", flat=True)) == {
        "indicator/directory.listings"
    }
    counts = (Dataset.objects.count(), Resource.objects.count())
    assert services.sync_indicator_series() == {"series": 0, "members": 0, "resources": 0}
    assert (Dataset.objects.count(), Resource.objects.count()) == counts
    # A series staff took down stays down.
    Dataset.objects.filter(pk=series.pk).update(is_published=False)
    services.sync_indicator_series()
    series.refresh_from_db()
    assert not series.is_published


def test_a_generated_resource_moves_modified_when_its_content_changes():
    from sharehub.organizations.tests.factories import OrganizationFactory

    before = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    live = DatasetFactory(slug="live", modified=before)
    ResourceFactory(dataset=live, generator="directory.listings", format="CSV")
    ResourceFactory(dataset=live, generator="directory.listings", format="JSON")
    register = DatasetFactory(slug="register", modified=before)
    ResourceFactory(dataset=register, generator="designation.register")
    first = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    # The first check records each content (never seen before): both datasets move once.
    assert services.refresh_generated_content(now=first) == 2
    live.refresh_from_db()
    assert live.modified == first
    # Nothing changed: nothing moves.
    assert services.refresh_generated_content(now=first + dt.timedelta(days=1)) == 0
    # A new public listing changes the directory's rows, not the register's.
    ListingFactory(organization=OrganizationFactory(name_ko="새 공유단체"))
    later = first + dt.timedelta(days=2)
    assert services.refresh_generated_content(now=later) == 1
    live.refresh_from_db()
    register.refresh_from_db()
    assert live.modified == later and register.modified == first
    assert set(live.resources.values_list("modified_at", flat=True)) == {later}


def test_standard_datasets_are_created_once_with_every_format():
    assert services.ensure_standard_datasets() == len(services.STANDARD_DATASETS)
    assert services.ensure_standard_datasets() == 0
    directory = Dataset.objects.get(slug="sharing-directory")
    assert sorted(directory.resources.values_list("format", flat=True)) == [
        "CSV",
        "GEOJSON",
        "JSON",
        "XLSX",
    ]
    awards = Dataset.objects.get(slug="support-awards")
    assert sorted(awards.resources.values_list("format", flat=True)) == ["CSV", "JSON", "XLSX"]
    assert all(d.is_published and d.issued for d in Dataset.objects.all())


def test_demo_loader_is_idempotent():
    from sharehub.opendata import demo_datasets

    assert demo_datasets.load(None) > 0
    assert demo_datasets.load(None) == 0


# --- search ---------------------------------------------------------------------------------


def test_published_datasets_are_searchable_and_drafts_are_not(city_staff):
    dataset = services.create_dataset(
        actor=city_staff, data=metadata(title_ko="자전거 거치대 위치", title_en="Bicycle stands")
    )
    assert not search("Bicycle", model=Dataset)
    services.publish_dataset(actor=city_staff, dataset=dataset)
    assert [hit.object_id for hit in search("Bicycle", model=Dataset)] == [dataset.pk]
    services.unpublish_dataset(actor=city_staff, dataset=dataset)
    assert not search("Bicycle", model=Dataset)


# --- preview --------------------------------------------------------------------------------


def test_preview_of_uploaded_files(city_staff):
    dataset = DatasetFactory()
    rows = "\n".join(["a,b", *[f"{n},{n * 2}" for n in range(30)]]).encode()
    csv_resource = services.add_upload(
        actor=city_staff, dataset=dataset, upload=csv_file(content=rows)
    )
    preview = selectors.preview(csv_resource)
    assert (
        preview.columns == ["a", "b"] and len(preview.rows) == 20 and preview.rows[0] == ["0", "0"]
    )
    cp949 = services.add_upload(
        actor=city_staff,
        dataset=dataset,
        upload=csv_file("k.csv", "이름,값\n서울,1\n".encode("cp949")),
    )
    assert selectors.preview(cp949).columns == ["이름", "값"]
    xlsx = services.add_upload(
        actor=city_staff,
        dataset=dataset,
        upload=SimpleUploadedFile(
            "t.xlsx", xlsx_bytes([["x", "y"], *[[n, "v"] for n in range(25)]])
        ),
    )
    preview = selectors.preview(xlsx)
    assert preview.columns == ["x", "y"] and len(preview.rows) == 20
    data = json.dumps([{"a": n, "b": {"c": 1}} for n in range(30)]).encode()
    json_resource = services.add_upload(
        actor=city_staff, dataset=dataset, upload=SimpleUploadedFile("d.json", data)
    )
    preview = selectors.preview(json_resource)
    assert preview.columns == ["a", "b"] and len(preview.rows) == 20
    assert preview.rows[0] == [0, '{"c": 1}']
    geo = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [127, 37]},
                    "properties": {"name": "가"},
                }
            ],
        }
    ).encode()
    geo_resource = services.add_upload(
        actor=city_staff, dataset=dataset, upload=SimpleUploadedFile("g.geojson", geo)
    )
    assert selectors.preview(geo_resource).rows == [["가", "Point"]]
    pdf = services.add_upload(
        actor=city_staff, dataset=dataset, upload=SimpleUploadedFile("r.pdf", b"%PDF-1.4 x")
    )
    assert selectors.preview(pdf).missing == "format"
