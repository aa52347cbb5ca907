"""The catalogue's pages and API: what anyone sees (published only), the staff pages (refused to
anyone else), downloads and their counts, previews, and bounded queries."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from sharehub.accounts.tests.factories import UserFactory
from sharehub.directory.tests.factories import ListingFactory
from sharehub.opendata.models import Dataset, DatasetKind, Resource
from sharehub.opendata.services import datasets as services
from sharehub.opendata.tests.factories import DatasetFactory, ResourceFactory
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

CSV_BYTES = "이름,값\n가,1\n나,2\n".encode()


def url(name: str, *args: object, lang: str = "ko") -> str:
    with translation.override(lang):
        return reverse(f"opendata:{name}", args=args)


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def member():
    user = UserFactory()
    MembershipFactory(user=user, role=MemberRole.OWNER)
    return user


@pytest.fixture
def draft():
    dataset = DatasetFactory(
        slug="secret-draft", title_ko="비공개 초안", is_published=False, issued=None
    )
    ResourceFactory(dataset=dataset)
    return dataset


# --- public pages ---------------------------------------------------------------------------


def test_catalogue_lists_published_datasets_only(client, draft):
    DatasetFactory(slug="open", title_ko="열린 데이터")
    response = client.get(url("datasets"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "열린 데이터" in page and "비공개 초안" not in page


def test_catalogue_search_filters_and_sort(client):
    org = OrganizationFactory()
    DatasetFactory(slug="bikes", title_ko="자전거", keywords_en="bicycle", themes=["TRAN"])
    DatasetFactory(slug="tools", title_ko="공구", keywords_ko="공구, 대여", publisher=org)
    series = DatasetFactory(slug="series", title_ko="시리즈", kind=DatasetKind.SERIES)
    DatasetFactory(slug="member", title_ko="회원", series=series)
    ResourceFactory(dataset=Dataset.objects.get(slug="tools"), format="XLSX")

    def slugs(**params) -> list[str]:
        response = client.get(url("datasets"), params)
        assert response.status_code == 200
        return [d.slug for d in response.context["page"].object_list]

    assert slugs(q="bicycle") == ["bikes"]
    assert slugs(q="대여") == ["tools"]
    assert slugs(theme="TRAN") == ["bikes"]
    assert slugs(format="XLSX") == ["tools"]
    assert slugs(publisher=org.pk) == ["tools"]
    assert slugs(series="series") == ["member"]
    assert slugs(series="only") == ["series"]
    assert set(slugs(sort="-modified")) == {"bikes", "tools", "series", "member"}
    # A bad filter is shown on the form; the valid ones still apply.
    response = client.get(url("datasets"), {"theme": "NOPE", "q": "bicycle"})
    assert response.status_code == 200 and response.context["filters"].errors["theme"]


@pytest.mark.usefixtures("no_page_cache")
def test_catalogue_queries_are_bounded(client, django_assert_max_num_queries):
    def fill(n: int) -> None:
        for _i in range(n):
            dataset = DatasetFactory(publisher=OrganizationFactory())
            ResourceFactory(dataset=dataset)
            ResourceFactory(dataset=dataset, format="JSON")

    fill(3)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url("datasets")).status_code == 200
    fill(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("datasets")).status_code == 200


def test_dataset_page_shows_every_metadata_field_and_resources(client):
    dataset = DatasetFactory(
        slug="full",
        contact_name="데이터 담당 부서",
        keywords_ko="자전거, 교통",
        themes=["TRAN"],
    )
    resource = ResourceFactory(dataset=dataset, title_ko="전체 목록")
    response = client.get(url("dataset", "full"))
    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        dataset.title_ko,
        "데이터 담당 부서",
        dataset.contact_email,
        "자전거",
        "전체 목록",
        url("resource_download", "full", resource.pk),
    ):
        assert text in page


def test_series_page_lists_published_members(client):
    series = DatasetFactory(slug="s", kind=DatasetKind.SERIES)
    DatasetFactory(slug="s-2025", title_ko="2025년 값", series=series)
    DatasetFactory(
        slug="s-2026", title_ko="2026년 초안", series=series, is_published=False, issued=None
    )
    page = client.get(url("dataset", "s")).content.decode()
    assert "2025년 값" in page and "2026년 초안" not in page
    member_page = client.get(url("dataset", "s-2025")).content.decode()
    assert url("dataset", "s") in member_page


def test_drafts_are_404_except_for_staff(client, draft, user, member, city_staff):
    resource = draft.resources.get()
    pages = [
        url("dataset", draft.slug),
        url("resource", draft.slug, resource.pk),
        url("resource_download", draft.slug, resource.pk),
    ]
    for who in (None, user, member):
        client.logout()
        if who:
            client.force_login(who)
        for page in pages:
            assert client.get(page).status_code == 404
    client.force_login(city_staff)
    for page in pages:
        assert client.get(page).status_code == 200
    resource.refresh_from_db()
    assert resource.download_count == 0  # staff looking at a draft are not counted


def test_generated_download_in_every_format_and_counted_once(client):
    organization = OrganizationFactory(name_ko="나눔가게")
    ListingFactory(organization=organization)
    dataset = DatasetFactory(slug="dir")
    counts = {}
    for fmt in ("CSV", "JSON", "GEOJSON", "XLSX"):
        resource = ResourceFactory(dataset=dataset, generator="directory.listings", format=fmt)
        response = client.get(url("resource_download", "dir", resource.pk))
        assert response.status_code == 200
        body = content(response)
        if fmt == "CSV":
            first = next(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
            assert first["name_ko"] == "나눔가게"
        elif fmt == "XLSX":
            sheet = load_workbook(io.BytesIO(body)).worksheets[0]
            assert sheet.cell(row=2, column=2).value == "나눔가게"
        else:
            assert "나눔가게" in body.decode() or fmt == "GEOJSON"
        assert "attachment" in response["Content-Disposition"]
        counts[resource.pk] = 1
    response = client.get(
        url("resource_download", "dir", Resource.objects.get(format="CSV").pk),
        {"encoding": "cp949"},
    )
    assert "나눔가게" in content(response).decode("cp949")
    counts[Resource.objects.get(format="CSV").pk] = 2
    bad = client.get(
        url("resource_download", "dir", Resource.objects.get(format="CSV").pk),
        {"encoding": "latin9"},
    )
    assert bad.status_code == 422
    client.head(url("resource_download", "dir", Resource.objects.get(format="JSON").pk))
    assert dict(Resource.objects.values_list("pk", "download_count")) == counts


def test_uploaded_download_and_versions(client, city_staff):
    dataset = DatasetFactory(slug="up")
    resource = services.add_upload(
        actor=city_staff, dataset=dataset, upload=SimpleUploadedFile("v1.csv", CSV_BYTES)
    )
    services.replace_file(
        actor=city_staff, resource=resource, upload=SimpleUploadedFile("v2.csv", b"a\n1\n")
    )
    download = url("resource_download", "up", resource.pk)
    assert content(client.get(download)) == b"a\n1\n"
    old = client.get(download, {"version": 1})
    assert content(old) == CSV_BYTES and "v1.csv" in old["Content-Disposition"]
    assert client.get(download, {"version": 9}).status_code == 404
    assert client.get(download, {"version": "x"}).status_code == 404
    resource.refresh_from_db()
    assert resource.download_count == 2
    page = client.get(url("resource", "up", resource.pk)).content.decode()
    assert "v1.csv" in page and f"{download}?version=1" in page


def test_resource_page_previews_rows(client, city_staff):
    ListingFactory(organization=OrganizationFactory(name_ko="미리보기단체"))
    dataset = DatasetFactory(slug="pv")
    generated = ResourceFactory(dataset=dataset, generator="directory.listings", format="XLSX")
    page = client.get(url("resource", "pv", generated.pk)).content.decode()
    assert "미리보기단체" in page
    pdf = services.add_upload(
        actor=city_staff, dataset=dataset, upload=SimpleUploadedFile("r.pdf", b"%PDF-1.4 x")
    )
    response = client.get(url("resource", "pv", pdf.pk))
    assert response.status_code == 200 and response.context["preview"].missing == "format"
    assert client.get(url("resource", "pv", 999999)).status_code == 404


# --- staff pages ----------------------------------------------------------------------------


def staff_posts(dataset: Dataset, resource: Resource) -> list[tuple[str, dict]]:
    return [
        (url("dataset_create"), {"slug": "new-one", "title_ko": "새", "description_ko": "d"}),
        (url("dataset_edit", dataset.slug), {"title_ko": "바뀜"}),
        (url("dataset_publish", dataset.slug), {}),
        (url("dataset_unpublish", dataset.slug), {}),
        (url("dataset_delete", dataset.slug), {}),
        (
            url("resource_upload", dataset.slug),
            {"upload-file": SimpleUploadedFile("a.csv", CSV_BYTES)},
        ),
        (
            url("resource_generated", dataset.slug),
            {"generated-generator": "indicators", "generated-format": "CSV"},
        ),
        (
            url("resource_replace", dataset.slug, resource.pk),
            {"file": SimpleUploadedFile("a.csv", CSV_BYTES)},
        ),
        (url("resource_remove", dataset.slug, resource.pk), {}),
    ]


def test_staff_pages_refuse_everyone_else(client, user, member):
    dataset = DatasetFactory(slug="kept")
    resource = ResourceFactory(dataset=dataset)
    for page in (url("manage_datasets"), url("dataset_create"), url("dataset_edit", "kept")):
        response = client.get(page)
        assert response.status_code == 302 and "login" in response["Location"]
    for who in (user, member):
        client.force_login(who)
        for page in (url("manage_datasets"), url("dataset_create"), url("dataset_edit", "kept")):
            assert client.get(page).status_code == 403
        for target, data in staff_posts(dataset, resource):
            assert client.post(target, data).status_code in (403, 404), target
    client.logout()
    for target, data in staff_posts(dataset, resource):
        assert client.post(target, data).status_code == 302
    dataset.refresh_from_db()
    assert Dataset.objects.count() == 1 and dataset.title_ko != "바뀜" and dataset.is_published
    assert list(Resource.objects.all()) == [resource]


def test_staff_create_edit_resources_and_publish(client, city_staff):
    client.force_login(city_staff)
    assert client.get(url("manage_datasets")).status_code == 200
    assert client.get(url("dataset_create")).status_code == 200
    response = client.post(
        url("dataset_create"),
        {
            "slug": "racks",
            "kind": "dataset",
            "title_ko": "거치대",
            "title_en": "Racks",
            "description_ko": "설명",
            "contact_name": "담당",
            "contact_email": "office@city.example",
            "licence": "KOGL_1",
            "themes": ["TRAN", "REGI"],
            "frequency": "ANNUAL",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dataset = Dataset.objects.get(slug="racks")
    assert dataset.themes == ["TRAN", "REGI"] and not dataset.is_published
    assert client.get(url("dataset_edit", "racks")).status_code == 200
    response = client.post(
        url("resource_upload", "racks"),
        {"upload-file": SimpleUploadedFile("a.csv", CSV_BYTES), "upload-title_ko": "원본"},
    )
    assert response.status_code == 302
    response = client.post(
        url("resource_generated", "racks"),
        {
            "generated-generator": "indicator/directory.listings",
            "generated-format": "JSON",
            "generated-year": "2025",
        },
    )
    assert response.status_code == 302
    assert set(Resource.objects.values_list("generator", flat=True)) == {
        "",
        "indicator/directory.listings/2025",
    }
    upload = Resource.objects.get(generator="")
    response = client.post(
        url("resource_replace", "racks", upload.pk),
        {"file": SimpleUploadedFile("b.csv", b"x\n1\n")},
    )
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.version == 2
    assert client.post(url("dataset_publish", "racks")).status_code == 302
    dataset.refresh_from_db()
    assert dataset.is_published and dataset.issued
    assert client.get(url("manage_datasets")).status_code == 200


def test_staff_bad_input_shows_field_errors_and_writes_nothing(client, city_staff):
    client.force_login(city_staff)
    DatasetFactory(slug="racks")
    response = client.post(
        url("dataset_create"),
        {
            "slug": "racks",
            "kind": "dataset",
            "title_ko": "x",
            "description_ko": "y",
            "contact_name": "z",
            "contact_email": "office@city.example",
            "licence": "CC0",
            "frequency": "ANNUAL",
        },
    )
    assert response.status_code == 422
    assert "slug" in response.context["form"].errors
    assert Dataset.objects.count() == 1
    response = client.post(
        url("resource_upload", "racks"), {"upload-file": SimpleUploadedFile("a.exe", b"MZ")}
    )
    assert response.status_code == 422
    assert (
        "CSV, JSON, GeoJSON" in str(response.context["upload_form"].errors["file"])
        or response.context["upload_form"].errors["file"]
    )
    response = client.post(
        url("resource_upload", "racks"), {"upload-file": SimpleUploadedFile("a.json", b"{bad")}
    )
    assert response.status_code == 422 and response.context["upload_form"].errors["file"]
    response = client.post(
        url("resource_generated", "racks"),
        {"generated-generator": "programmes.awards", "generated-format": "GEOJSON"},
    )
    assert response.status_code == 422 and response.context["generated_form"].errors["format"]
    assert not Resource.objects.exists()


def test_korean_field_errors_on_the_korean_page(client, city_staff):
    client.force_login(city_staff)
    DatasetFactory(slug="racks")
    response = client.post(
        url("resource_upload", "racks"), {"upload-file": SimpleUploadedFile("a.csv", b"")}
    )
    errors = " ".join(response.context["upload_form"].errors["file"])
    assert any("\uac00" <= ch <= "\ud7a3" for ch in errors), errors


def test_staff_list_is_bounded(client, city_staff, django_assert_max_num_queries):
    client.force_login(city_staff)
    for _n in range(3):
        ResourceFactory(dataset=DatasetFactory(is_published=False, issued=None))
    with django_assert_max_num_queries(30) as few:
        assert client.get(url("manage_datasets")).status_code == 200
    for _n in range(15):
        ResourceFactory(dataset=DatasetFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("manage_datasets")).status_code == 200


# --- the API --------------------------------------------------------------------------------


def test_api_lists_published_datasets_only(client, draft):
    dataset = DatasetFactory(slug="open", keywords_en="bicycle")
    ResourceFactory(dataset=dataset, format="JSON")
    body = client.get("/api/v1/data/datasets").json()
    assert [d["slug"] for d in body["results"]] == ["open"]
    assert body["results"][0]["formats"] == ["JSON"]
    assert client.get("/api/v1/data/datasets", {"q": "bicycle"}).json()["count"] == 1
    assert client.get("/api/v1/data/datasets", {"q": "nothing"}).json()["count"] == 0
    detail = client.get("/api/v1/data/datasets/open").json()
    assert detail["resources"][0]["download_url"].endswith(
        url("resource_download", "open", dataset.resources.get().pk)
    )
    assert client.get("/api/v1/data/datasets/secret-draft").status_code == 404
    assert client.get("/api/v1/data/datasets/none-such").status_code == 404
    response = client.get("/api/v1/data/datasets", {"theme": "NOPE"})
    assert response.status_code == 422 and "theme" in response.json()["errors"]


def test_a_hidden_publishers_datasets_leave_every_public_read(client, moderator, city_staff):
    from sharehub.moderation import services as moderation
    from sharehub.search.selectors import search

    publisher = OrganizationFactory(name_ko="숨길 공유단체", name_en="Hidden Sharers")
    dataset = DatasetFactory(
        slug="by-org", title_ko="단체 자전거 자료", title_en="Org bicycles", publisher=publisher
    )
    resource = ResourceFactory(dataset=dataset, format="CSV")
    services.publish_dataset(actor=city_staff, dataset=dataset)  # indexed for search
    ResourceFactory(dataset=DatasetFactory(slug="city-data"))
    # The page links its publisher's page.
    page = client.get(url("dataset", "by-org")).content.decode()
    assert f'href="{publisher.get_absolute_url()}"' in page
    reads = {
        "page": url("dataset", "by-org"),
        "download": url("resource_download", "by-org", resource.pk),
        "api": "/api/v1/data/datasets/by-org",
        "dcat": "/catalog/by-org.jsonld",
        "ckan": "/api/3/action/package_show?id=by-org",
    }
    assert all(client.get(path).status_code == 200 for path in reads.values()), reads
    assert search("bicycles", model=Dataset)
    moderation.hide(actor=moderator, obj=publisher, reason="신고 확인")
    # Gone everywhere, as a draft: no page, no file, no API, no catalogue, no search hit.
    for name, path in reads.items():
        assert client.get(path).status_code == 404, name
    assert not search("bicycles", model=Dataset)
    listed = client.get("/api/v1/data/datasets").json()
    assert [d["slug"] for d in listed["results"]] == ["city-data"]
    catalog = client.get("/catalog.jsonld").content.decode()
    assert "by-org" not in catalog and "숨길" not in catalog
    assert "by-org" not in client.get("/api/3/action/package_list").content.decode()
    orgs = client.get("/api/3/action/organization_list?all_fields=true").content.decode()
    assert "숨길" not in orgs and "Hidden" not in orgs
    # City staff still see it (to fix or unpublish it).
    client.force_login(city_staff)
    page = client.get(url("dataset", "by-org"))
    assert page.status_code == 200
    # Named for staff, not linked: the organization's page is hidden.
    assert f'href="{publisher.get_absolute_url()}"' not in page.content.decode()
