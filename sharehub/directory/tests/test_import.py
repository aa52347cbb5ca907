from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sharehub.accounts.tests.factories import UserFactory, give_totp
from sharehub.core.models import AuditEntry
from sharehub.directory import imports
from sharehub.directory.exports import COLUMNS
from sharehub.directory.models import Category, CsvImport, Listing
from sharehub.organizations.models import Organization

from .factories import AddressFactory, ListingFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "slug",
    "name_ko",
    "name_en",
    "kind",
    "summary_ko",
    "categories",
    "districts_served",
    "phone",
    "email",
    "website",
    "address",
    "latitude",
    "longitude",
]


def csv_bytes(rows: list[list[str]], *, header: list[str] = HEADER, bom: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8")


def upload(data: bytes, name: str = "listings.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def new_row(name: str = "새 공유단체 🌱", **overrides: str) -> list[str]:
    row = dict(
        zip(
            HEADER,
            [
                "",
                name,
                "New <b>Org</b>",
                "cooperative",
                "요약 summary",
                "space;goods-and-tools",
                "",
                "02-123-4567",
                "hello@example.org",
                "https://example.org",
                "서울 중구 세종대로 110",
                "37.5665",
                "126.978",
            ],
            strict=True,
        )
    )
    row.update(overrides)
    return [row[name] for name in HEADER]


def post_upload(client, data: bytes, name: str = "listings.csv"):
    return client.post(reverse("directory:import"), {"file": upload(data, name)})


def test_happy_path_preview_then_confirm(client, city_staff, listing, district):
    client.force_login(city_staff)
    rows = [
        new_row(districts_served=district.slug),
        new_row(
            slug=listing.organization.slug,
            name="고친 이름",
            summary_ko="바뀐 요약",
            categories="clothing",
            address="",
            latitude="",
            longitude="",
            phone="'+82-2-000-0000",
        ),
    ]
    response = post_upload(client, csv_bytes(rows, bom=True))
    assert response.status_code == 200
    parsed = response.context["parsed"]
    assert parsed.is_valid and parsed.new_count == 1
    assert "새 공유단체 🌱" in response.content.decode()
    assert not Organization.objects.filter(
        name_ko="새 공유단체 🌱"
    ).exists()  # nothing written by the preview
    pending = response.context["pending"]

    response = client.post(reverse("directory:import_confirm", args=[pending.pk]))
    assert response.status_code == 302

    created = Listing.objects.get(organization__name_ko="새 공유단체 🌱")
    organization = created.organization
    assert organization.is_published and organization.kind == "cooperative"
    assert organization.name_en == "New <b>Org</b>"
    assert sorted(c.slug for c in created.categories.all()) == ["goods-and-tools", "space"]
    assert list(created.districts_served.all()) == [district]
    address = created.addresses.get()
    assert (address.address, address.latitude, address.longitude) == (
        "서울 중구 세종대로 110",
        37.5665,
        126.978,
    )
    listing.refresh_from_db()
    listing.organization.refresh_from_db()
    assert listing.organization.name_ko == "고친 이름"
    assert listing.summary_ko == "바뀐 요약" and listing.phone == "+82-2-000-0000"
    assert [c.slug for c in listing.categories.all()] == ["clothing"]
    entry = AuditEntry.objects.get(action="directory.csv_imported")
    assert entry.actor == city_staff and entry.data["rows"] == 2 and entry.data["created"] == 1
    # confirming twice imports once
    assert client.post(reverse("directory:import_confirm", args=[pending.pk])).status_code == 404
    assert Organization.objects.filter(name_ko="새 공유단체 🌱").count() == 1


def test_one_bad_row_writes_nothing_and_errors_are_per_row_and_column(client, city_staff):
    client.force_login(city_staff)
    rows = [
        new_row("좋은 행"),
        new_row(
            "나쁜 행", email="not-an-email", categories="space;nope", latitude="91", kind="alien"
        ),
        new_row("", slug="does-not-exist"),
    ]
    for lang, expected in (
        ("en", "Enter a valid email address."),
        ("ko", "올바른 이메일 주소를 입력하세요."),
    ):
        response = client.post(f"/{lang}/directory/import/", {"file": upload(csv_bytes(rows))})
        assert response.status_code == 400
        parsed = response.context["parsed"]
        assert response.context["pending"] is None
        good, bad, missing = parsed.rows
        assert good.errors == {}
        assert set(bad.errors) == {"email", "categories", "latitude", "kind"}
        assert bad.errors["email"] == [expected]
        assert "nope" in bad.errors["categories"][0]
        assert missing.number == 4 and set(missing.errors) == {"slug"}
        assert 'id="row-3"' in response.content.decode()
        assert ("Row 3" if lang == "en" else "3행") in response.content.decode()
    assert not Organization.objects.filter(name_ko="좋은 행").exists()
    assert not CsvImport.objects.exists()


def test_confirm_revalidates_and_rolls_back_everything(client, city_staff, listing):
    client.force_login(city_staff)
    rows = [new_row("첫 행"), new_row(slug=listing.organization.slug, name="둘째 행")]
    pending = post_upload(client, csv_bytes(rows)).context["pending"]
    # Between the preview and the confirmation a category disappears: the second step refuses the file.
    Category.objects.filter(slug="goods-and-tools").delete()
    response = client.post(reverse("directory:import_confirm", args=[pending.pk]))
    assert response.status_code == 400
    assert response.context["parsed"].rows[0].errors["categories"]
    assert not Organization.objects.filter(name_ko="첫 행").exists()
    listing.organization.refresh_from_db()
    assert listing.organization.name_ko != "둘째 행"


def test_write_failure_in_a_later_row_rolls_back_earlier_rows(city_staff, listing, monkeypatch):

    _parsed, pending = imports.upload_import(
        actor=city_staff,
        upload=upload(
            csv_bytes([new_row("먼저 쓴 행"), new_row(slug=listing.organization.slug, name="x")])
        ),
    )
    original = imports.services.update_listing

    def failing(**kwargs):
        if kwargs["organization"].pk == listing.organization_id:
            raise ValidationError({"phone": ["taken meanwhile"]})
        return original(**kwargs)

    monkeypatch.setattr(imports.services, "update_listing", failing)
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.confirm_import(actor=city_staff, pk=pending.pk)
    assert rejected.value.parsed.rows[1].errors == {"phone": ["taken meanwhile"]}
    assert not Organization.objects.filter(name_ko="먼저 쓴 행").exists()
    assert CsvImport.objects.get(pk=pending.pk).applied_at is None


@pytest.mark.parametrize(
    "data,name,message",
    [
        # UTF-16 (Excel's "Unicode text") and Windows-1252 are neither of the two encodings read.
        ("slug,name_ko\n,가나다\n".encode("utf-16"), "utf16.csv", "neither UTF-8 nor CP949"),
        ("slug,name_ko\n,Café €5\n".encode("cp1252"), "latin.csv", "neither UTF-8 nor CP949"),
        # "\x89P" happens to be a CP949 character: the control characters give the binary away.
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.csv", "not a CSV"),
        (b"just some text\nwithout columns\n", "notes.csv", "header row"),
        (b"slug,name_ko\x00\n", "nul.csv", "not a CSV"),
        (b"", "empty.csv", "empty"),
        (b"slug,name_ko\n", "header-only.csv", "no rows"),
        (b"slug,name_ko,colour\n,x,red\n", "unknown.csv", "colour"),
    ],
)
def test_bad_files_get_a_clear_error(client, city_staff, data, name, message):
    client.force_login(city_staff)
    response = client.post("/en/directory/import/", {"file": upload(data, name)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CsvImport.objects.exists()


def test_oversize_and_too_many_rows(client, city_staff, monkeypatch):
    client.force_login(city_staff)
    big = b"slug,name_ko\n" + b",x\n" * (imports.MAX_BYTES // 3 + 10)
    response = client.post("/en/directory/import/", {"file": upload(big)})
    assert response.status_code == 400 and "larger than 2 MB" in response.content.decode()
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    response = client.post("/en/directory/import/", {"file": upload(b"slug,name_ko\n,a\n,b\n,c\n")})
    assert response.status_code == 400 and "at most 2 rows" in response.content.decode()


def test_export_reimports_unchanged(client, city_staff, district):
    space = Category.objects.get(slug="space")
    for number in range(3):
        listing = ListingFactory(
            phone="+82 2 123 4567",
            email=f"x{number}@example.org",
            summary_en="=SUM(A1) is text, not a formula",
        )
        listing.categories.add(space)
        listing.districts_served.add(district)
        AddressFactory(listing=listing, latitude=37.123456789, longitude=-0.5)
    ListingFactory(organization__kind="public")

    def snapshot():
        return [
            (
                o.slug,
                o.name_ko,
                o.name_en,
                o.kind,
                o.website,
                lst.summary_ko,
                lst.summary_en,
                lst.phone,
                lst.email,
                sorted(c.slug for c in lst.categories.all()),
                sorted(d.slug for d in lst.districts_served.all()),
                [(a.address, a.latitude, a.longitude) for a in lst.addresses.all()],
            )
            for lst in Listing.objects.select_related("organization").order_by("pk")
            for o in [lst.organization]
        ]

    before = snapshot()
    organizations = Organization.objects.count()
    client.force_login(city_staff)
    exported = b"".join(client.get(reverse("directory:export")).streaming_content)
    assert exported.decode("utf-8-sig").splitlines()[0] == ",".join(COLUMNS)
    response = post_upload(client, exported)
    assert response.status_code == 200, response.context["parsed"].file_errors
    assert response.context["parsed"].new_count == 0
    assert (
        client.post(
            reverse("directory:import_confirm", args=[response.context["pending"].pk])
        ).status_code
        == 302
    )
    assert snapshot() == before
    assert Organization.objects.count() == organizations


def test_import_permissions(client, user, other_user, moderator, city_staff, member):
    url = reverse("directory:import")
    assert client.get(url).status_code == 302  # anonymous → login
    for actor in (user, moderator, member):
        client.force_login(actor)
        assert client.get(url).status_code == 403
        assert client.post(url, {"file": upload(csv_bytes([new_row()]))}).status_code == 403
    client.force_login(city_staff)
    assert client.get(url).status_code == 200
    pending = post_upload(client, csv_bytes([new_row()])).context["pending"]
    confirm = reverse("directory:import_confirm", args=[pending.pk])
    assert client.get(confirm).status_code == 405
    for actor in (user, moderator):
        client.force_login(actor)
        assert client.post(confirm).status_code == 403

    other_staff = give_totp(UserFactory(is_city_staff=True))
    client.force_login(other_staff)
    assert client.post(confirm).status_code == 404  # another staff member's upload
    assert not Organization.objects.filter(name_ko="새 공유단체 🌱").exists()


# --- Korean Excel: encodings, names of districts, categories and types ---


@pytest.fixture
def seoul(db):
    """Two real districts, as places' demo loads them."""
    from sharehub.places.tests.factories import DistrictFactory

    return {
        "seocho": DistrictFactory(
            slug="seocho-gu", code="11650", name_ko="서초구", name_en="Seocho-gu"
        ),
        "jung": DistrictFactory(slug="jung-gu", code="11140", name_ko="중구", name_en="Jung-gu"),
    }


def korean_excel_bytes(rows: list[list[str]], encoding: str) -> bytes:
    """What Korean Excel saves: "CSV (쉼표로 분리)" is CP949, "CSV UTF-8" has a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["slug", "name_ko", "kind", "categories", "districts_served", "summary_ko"])
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949"])
def test_korean_excel_file_with_korean_names(client, city_staff, seoul, encoding):
    client.force_login(city_staff)
    data = korean_excel_bytes(
        [["", "서초 공구도서관", "협동조합", "물건·공구; 공간", "서초구, 중구", "공구를 빌려요"]],
        encoding,
    )
    if encoding == "cp949":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # a real CP949 file, not UTF-8 by chance
    response = client.post("/ko/directory/import/", {"file": upload(data)})
    assert response.status_code == 200, response.context["parsed"].rows[0].errors
    read_as = "CP949(EUC-KR)" if encoding == "cp949" else "UTF-8"
    assert read_as in response.content.decode()
    pending = response.context["pending"]
    assert client.post(f"/ko/directory/import/{pending.pk}/confirm/").status_code == 302
    listing = Listing.objects.get(organization__name_ko="서초 공구도서관")
    assert listing.summary_ko == "공구를 빌려요"
    assert listing.organization.kind == "cooperative"
    assert sorted(c.slug for c in listing.categories.all()) == ["goods-and-tools", "space"]
    assert sorted(d.slug for d in listing.districts_served.all()) == ["jung-gu", "seocho-gu"]


@pytest.mark.parametrize(
    "written",
    ["서초구", "서초", " 서초 구 ", "Seocho-gu", "SEOCHO GU", "seocho", "seocho-gu", "11650"],
)
def test_a_district_by_any_of_its_names(seoul, written):
    parsed = imports.parse_import(f"slug,name_ko,districts_served\n,이름,{written};중;jung\n")
    assert parsed.is_valid, parsed.rows[0].errors
    assert parsed.rows[0].districts == [seoul["seocho"], seoul["jung"]]


@pytest.mark.parametrize(
    "written",
    ["물건·공구", "물건 공구", "물건공구", "Goods and tools", "GOODS-AND-TOOLS", "goods and tools"],
)
def test_a_category_and_a_type_by_any_of_their_names(db, written):
    for kind, value in (("공유기업", "enterprise"), ("Non-profit organization", "nonprofit")):
        parsed = imports.parse_import(f"slug,name_ko,kind,categories\n,이름,{kind},{written}\n")
        assert parsed.is_valid, parsed.rows[0].errors
        assert [c.slug for c in parsed.rows[0].categories] == ["goods-and-tools"]
        assert parsed.rows[0].kind == value


def test_unknown_district_lists_the_valid_values(client, city_staff, seoul):
    client.force_login(city_staff)
    data = korean_excel_bytes([["", "이름", "", "공간", "서초동", ""]], "cp949")
    response = client.post("/ko/directory/import/", {"file": upload(data)})
    assert response.status_code == 400
    (error,) = response.context["parsed"].rows[0].errors["districts_served"]
    assert error.startswith("“서초동” 자치구는 없습니다.") and "“서초구”" in error  # did you mean
    html = response.content.decode()
    # The list of valid values is on the page, opened, in the reader's language.
    valid = html[html.index('<details id="valid-districts" open>') :]
    valid = valid[: valid.index("</details>")]
    assert "서초구" in valid and "seocho-gu" in valid and "중구" in valid
    assert '<details id="valid-categories">' in html and "물건·공구" in html
    assert not CsvImport.objects.exists()
    response = client.post("/en/directory/import/", {"file": upload(data)})
    (error,) = response.context["parsed"].rows[0].errors["districts_served"]
    assert error.startswith("There is no district “서초동”. Did you mean “Seocho-gu”?")
    assert "Seocho-gu" in response.content.decode()


def test_a_name_of_two_categories_is_ambiguous(db):
    from .factories import CategoryFactory

    CategoryFactory(slug="sharing", name_ko="나눔", name_en="Sharing")
    CategoryFactory(slug="giving", name_ko="기부", name_en="나눔")
    parsed = imports.parse_import("slug,name_ko,categories\n,이름,나눔\n")
    assert "해당하는 값이 여럿입니다" in parsed.rows[0].errors["categories"][0]
    parsed = imports.parse_import("slug,name_ko,categories\n,이름,sharing;giving\n")
    assert parsed.is_valid


def test_rows_are_numbered_as_the_spreadsheet_numbers_them(db):
    text = 'slug,name_ko,kind\n,"여러 줄\n이름",\n,,\n,이름,외계인\n'
    parsed = imports.parse_import(text)
    (bad,) = parsed.rows_with_errors
    assert bad.number == 4 and set(bad.errors) == {"kind"}


# --- publication: what the page says is what the import does ---


def test_publication_is_as_the_page_says(client, city_staff, listing):
    from sharehub.moderation.models import ModerationStatus

    client.force_login(city_staff)
    page = client.get("/en/directory/import/").content.decode()
    for paragraph in imports.PUBLICATION_HELP:
        assert str(paragraph).replace("'", "&#x27;") in page
    states = {
        ModerationStatus.PENDING: ModerationStatus.PENDING,
        ModerationStatus.HIDDEN: ModerationStatus.HIDDEN,
        ModerationStatus.REJECTED: ModerationStatus.PENDING,  # changed: back to the queue
        ModerationStatus.PUBLISHED: ModerationStatus.PUBLISHED,
    }
    existing = {status: ListingFactory(organization__moderation_status=status) for status in states}
    header = ["slug", "name_ko", "summary_ko", "published"]
    rows = [[lst.organization.slug, "바뀐 이름", "바뀐 요약", "no"] for lst in existing.values()]
    rows.append(["", "새 단체", "새 요약", "no"])  # "published" is ignored: published at once
    pending = post_upload(client, csv_bytes(rows, header=header)).context["pending"]
    assert client.post(reverse("directory:import_confirm", args=[pending.pk])).status_code == 302
    for before, lst in existing.items():
        lst.organization.refresh_from_db()
        assert lst.organization.moderation_status == states[before], before
    # The same for listings, under a published organization.
    listings = {status: ListingFactory(moderation_status=status) for status in states}
    rows = [
        [lst.organization.slug, lst.organization.name_ko, "다시 바뀐 요약", "no"]
        for lst in listings.values()
    ]
    pending = post_upload(client, csv_bytes(rows, header=header)).context["pending"]
    assert client.post(reverse("directory:import_confirm", args=[pending.pk])).status_code == 302
    for before, lst in listings.items():
        lst.refresh_from_db()
        assert lst.moderation_status == states[before] and lst.summary_ko == "다시 바뀐 요약"
    new = Organization.objects.get(name_ko="새 단체")
    assert new.moderation_status == ModerationStatus.PUBLISHED
    assert new.moderated_by == city_staff and new.moderated_at is not None
    assert Listing.objects.get(organization=new).is_public  # its listing too
