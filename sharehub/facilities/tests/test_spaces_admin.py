"""Staff create and edit spaces: the services (permission matrix, bad input as field errors with
nothing half-written), the pages and the API."""

from __future__ import annotations

import io
from datetime import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from sharehub.accounts.tests.factories import UserFactory
from sharehub.core.models import AuditEntry
from sharehub.facilities.models import Feature, FeeRate, OpeningHours, RefundBand, Space
from sharehub.facilities.services import spaces as services
from sharehub.places.tests.factories import DistrictFactory

from .factories import SpaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def space():
    return SpaceFactory(fee_mode="hour", fee_amount=10000)


@pytest.fixture
def staff(space):
    person = UserFactory()
    space.staff.add(person)
    return person


@pytest.fixture
def other_staff():
    """The staff of another space."""
    person = UserFactory()
    SpaceFactory().staff.add(person)
    return person


def _png(size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile("room.png", buffer.getvalue(), content_type="image/png")


def _fields(district, **extra):
    return {
        "name_ko": "성동구 공유 회의실",
        "name_en": "Seongdong shared meeting room",
        "description_ko": "주민 모임에 쓰는 회의실입니다.",
        "office_ko": "성동구청 자치행정과",
        "district": district,
        "road_address": "서울특별시 성동구 고산자로 270",
        "capacity": 12,
        **extra,
    }


def _codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


# --- services --------------------------------------------------------------------------------------


def test_city_staff_create_a_space_closed_until_it_has_hours(city_staff, district):
    Feature.objects.create(code="wifi", kind="amenity", name_ko="무선 인터넷", name_en="Wi-Fi")
    space = services.create_space(
        actor=city_staff, features=["wifi"], excluded_purposes=["political"], **_fields(district)
    )
    assert space.slug == "seongdong-shared-meeting-room" and not space.is_active
    assert space.excluded == {"political"} and [f.code for f in space.features.all()] == ["wifi"]
    assert AuditEntry.objects.filter(action="facilities.space.create").count() == 1
    with pytest.raises(ValidationError) as refused:
        services.set_active(actor=city_staff, space=space, active=True)
    assert _codes(refused.value) == {"__all__": ["no_hours"]}
    services.replace_hours(
        actor=city_staff, space=space, rows=[services.HoursRow(0, time(9), time(18))]
    )
    assert services.set_active(actor=city_staff, space=space, active=True).is_active
    # The same name again gets its own address.
    twin = services.create_space(actor=city_staff, **_fields(district))
    assert twin.slug == "seongdong-shared-meeting-room-2"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"name_ko": ""}, {"name_ko": ["blank"]}),
        ({"description_ko": " "}, {"description_ko": ["required"]}),
        ({"min_minutes": 240, "max_minutes": 120}, {"max_minutes": ["order"]}),
        ({"slot_minutes": 60, "min_minutes": 90}, {"min_minutes": ["slot"]}),
        ({"opens_days_ahead": 5, "closes_days_ahead": 7}, {"closes_days_ahead": ["window"]}),
        ({"fee_mode": "hour", "fee_amount": 0}, {"fee_amount": ["fee"]}),
        ({"fee_mode": "monthly"}, {"fee_mode": ["invalid_choice"]}),
        ({"excluded_purposes": ["gambling"]}, {"excluded_purposes": ["invalid_choice"]}),
        ({"latitude": 37.5}, {"longitude": ["pair"]}),
        ({"capacity": 0}, {"capacity": ["min_value"]}),
        ({"slug": "manage"}, {"slug": ["reserved"]}),
    ],
)
def test_bad_space_input_is_a_field_error_and_nothing_is_written(
    city_staff, district, extra, expected
):
    with pytest.raises(ValidationError) as refused:
        services.create_space(actor=city_staff, **_fields(district, **extra))
    assert _codes(refused.value) == expected
    assert not Space.objects.exists() and not AuditEntry.objects.exists()


def test_a_taken_address_name_is_a_field_error(city_staff, district, space):
    with pytest.raises(ValidationError) as refused:
        services.create_space(actor=city_staff, slug=space.slug, **_fields(district))
    assert "slug" in refused.value.error_dict


def test_unknown_features_are_refused(city_staff, district):
    with pytest.raises(ValidationError) as refused:
        services.create_space(actor=city_staff, features=["jacuzzi"], **_fields(district))
    assert "features" in refused.value.error_dict and not Space.objects.exists()


def _as(request, who: str):
    return None if who == "anonymous" else request.getfixturevalue(who)


MATRIX = [
    ("anonymous", False, False),
    ("user", False, False),
    ("other_staff", False, False),
    ("staff", False, True),
    ("city_staff", True, True),
]


@pytest.mark.parametrize(("who", "may_create", "may_edit"), MATRIX)
def test_the_permission_matrix(request, space, staff, district, who, may_create, may_edit):
    from django.contrib.auth.models import AnonymousUser

    actor = _as(request, who) or AnonymousUser()
    calls = {
        "create": lambda: services.create_space(actor=actor, **_fields(district)),
        "staff": lambda: services.set_staff(actor=actor, space=space, emails=[]),
    }
    edits = {
        "update": lambda: services.update_space(actor=actor, space=space, capacity=25),
        "hours": lambda: services.replace_hours(actor=actor, space=space, rows=[]),
        "fees": lambda: services.replace_fee_rates(actor=actor, space=space, rows=[]),
        "bands": lambda: services.replace_refund_bands(actor=actor, space=space, rows=[]),
        "active": lambda: services.set_active(actor=actor, space=space, active=False),
    }
    for name, call in calls.items():
        if may_create:
            call()
        else:
            with pytest.raises(PermissionDenied):
                call()
        assert name
    for call in edits.values():
        if may_edit:
            call()
        else:
            with pytest.raises(PermissionDenied):
                call()
    space.refresh_from_db()
    assert (space.capacity == 25) is may_edit


def test_space_staff_update_their_space_and_features(space, staff):
    Feature.objects.create(code="step-free", kind="access", name_ko="휠체어", name_en="Step-free")
    services.update_space(
        actor=staff, space=space, features=["step-free"], name_en="Renamed", capacity=40
    )
    space.refresh_from_db()
    assert (space.name_en, space.capacity) == ("Renamed", 40)
    assert list(space.features.values_list("code", flat=True)) == ["step-free"]
    entry = AuditEntry.objects.get(action="facilities.space.update")
    assert set(entry.data["fields"]) == {"name_en", "capacity", "features"}


def test_a_refused_update_changes_nothing(space, staff):
    with pytest.raises(ValidationError):
        services.update_space(actor=staff, space=space, capacity=30, min_minutes=600)
    space.refresh_from_db()
    assert space.capacity == 20


def test_city_staff_name_the_staff_by_email(city_staff, space, user, other_user):
    services.set_staff(actor=city_staff, space=space, emails=[user.email.upper(), ""])
    assert list(space.staff.all()) == [user]
    with pytest.raises(ValidationError) as refused:
        services.set_staff(
            actor=city_staff, space=space, emails=[other_user.email, "nobody@example.org"]
        )
    assert "nobody@example.org" in str(refused.value) and list(space.staff.all()) == [user]


def test_hours_several_periods_a_day_but_no_overlap(space, staff):
    rows = [
        services.HoursRow(0, time(9), time(12)),
        services.HoursRow(0, time(13), time(18)),
        services.HoursRow(5, time(10), time(14)),
    ]
    services.replace_hours(actor=staff, space=space, rows=rows)
    assert space.hours.count() == 3
    bad = [
        services.HoursRow(0, time(9), time(18)),
        services.HoursRow(0, time(10), time(11)),
        services.HoursRow(0, time(12), time(13)),  # inside the first, not next to the second
        services.HoursRow(1, time(12), time(9)),
        services.HoursRow(7, time(9), time(10)),
    ]
    with pytest.raises(ValidationError) as refused:
        services.replace_hours(actor=staff, space=space, rows=bad)
    assert _codes(refused.value) == {
        "hours-1-opens": ["overlap"],
        "hours-2-opens": ["overlap"],
        "hours-3-closes": ["order"],
        "hours-4-weekday": ["invalid_choice"],
    }
    assert space.hours.count() == 3  # all or nothing


def test_fee_rates_and_refund_bands_replace_all_or_nothing(space, staff):
    services.replace_fee_rates(
        actor=staff,
        space=space,
        rows=[
            services.FeeRow("weekday", time(18), 15000),
            services.FeeRow("weekend", time(0), 15000),
        ],
    )
    assert FeeRate.objects.filter(space=space).count() == 2
    with pytest.raises(ValidationError) as refused:
        services.replace_fee_rates(
            actor=staff,
            space=space,
            rows=[
                services.FeeRow("weekday", time(18), 1),
                services.FeeRow("weekday", time(18), 2),
                services.FeeRow("monthly", time(9), -5),
            ],
        )
    assert _codes(refused.value) == {
        "fees-1-starts": ["duplicate"],
        "fees-2-day_kind": ["invalid_choice"],
        "fees-2-amount": ["range"],
    }
    assert FeeRate.objects.filter(space=space).count() == 2
    services.replace_refund_bands(
        actor=staff,
        space=space,
        rows=[services.BandRow(7, 100), services.BandRow(3, 90), services.BandRow(1, 70)],
    )
    with pytest.raises(ValidationError) as refused:
        services.replace_refund_bands(
            actor=staff,
            space=space,
            rows=[services.BandRow(7, 50), services.BandRow(1, 70), services.BandRow(1, 101)],
        )
    assert set(_codes(refused.value)) == {
        "bands-0-percent",  # 7 days before refunding less than 1 day before
        "bands-2-days_before",
        "bands-2-percent",
    }
    assert sorted(RefundBand.objects.filter(space=space).values_list("percent", flat=True)) == [
        70,
        90,
        100,
    ]


def test_a_free_space_has_no_fee_table(staff):
    free = SpaceFactory()
    free.staff.add(staff)
    with pytest.raises(ValidationError) as refused:
        services.replace_fee_rates(
            actor=staff, space=free, rows=[services.FeeRow("weekday", time(18), 1000)]
        )
    assert _codes(refused.value) == {"fees": ["free"]}


def test_photos_need_korean_alt_and_a_real_image(space, staff):
    with pytest.raises(ValidationError) as refused:
        services.add_photo(actor=staff, space=space, image=_png(), alt_ko=" ")
    assert _codes(refused.value) == {"alt_ko": ["required"]}
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        services.add_photo(actor=staff, space=space, image=fake, alt_ko="회의실")
    assert _codes(refused.value) == {"image": ["not_an_image"]}
    assert not space.photos.exists()
    first = services.add_photo(actor=staff, space=space, image=_png(), alt_ko="회의실 전경")
    second = services.add_photo(
        actor=staff, space=space, image=_png(), alt_ko="빔프로젝터", alt_en="Projector"
    )
    assert first.image.name.endswith(".png") and first.image.name != "room.png"
    services.move_photo(actor=staff, space=space, photo_id=second.pk, up=True)
    assert [p.pk for p in space.photos.order_by("order")] == [second.pk, first.pk]
    services.update_photo(actor=staff, space=space, photo_id=first.pk, alt_ko="넓은 회의실")
    with pytest.raises(ValidationError):
        services.reorder_photos(actor=staff, space=space, order=[first.pk])
    services.delete_photo(actor=staff, space=space, photo_id=second.pk)
    assert list(space.photos.values_list("alt_ko", flat=True)) == ["넓은 회의실"]


def test_another_spaces_staff_cannot_touch_its_photos(space, staff, other_staff):
    photo = services.add_photo(actor=staff, space=space, image=_png(), alt_ko="회의실")
    with pytest.raises(PermissionDenied):
        services.delete_photo(actor=other_staff, space=space, photo_id=photo.pk)
    other_space = other_staff.managed_spaces.get()
    with pytest.raises(ValidationError):  # not a photo of their own space either
        services.delete_photo(actor=other_staff, space=other_space, photo_id=photo.pk)
    assert space.photos.count() == 1


# --- pages -----------------------------------------------------------------------------------------


def _url(name: str, space=None) -> str:
    """The page in English, whose messages the tests read."""
    from django.urls import reverse
    from django.utils import translation

    with translation.override("en"):
        return reverse(f"facilities:{name}", kwargs={"slug": space.slug} if space else {})


@pytest.mark.parametrize(("who", "may_create", "may_edit"), MATRIX)
def test_pages_by_who_asks(request, client, space, staff, who, may_create, may_edit):
    person = _as(request, who)
    if person is not None:
        client.force_login(person)
    forbidden = 302 if person is None else 403
    assert client.get(_url("space_new")).status_code == (200 if may_create else forbidden)
    for name in ("space_edit", "space_hours", "space_fees", "space_refunds", "space_photos"):
        assert client.get(_url(name, space)).status_code == (200 if may_edit else forbidden), name
    assert client.get(_url("space_staff", space)).status_code == (200 if may_create else forbidden)


def test_city_staff_add_a_space_on_its_page(client, city_staff):
    district = DistrictFactory(slug="seongdong-gu")
    client.force_login(city_staff)
    data = {
        **{k: v for k, v in _fields(district).items() if k != "district"},
        "district": district.slug,
        "latitude": "37.5634",
        "longitude": "127.0369",
        "fee_mode": "hour",
        "fee_amount": "10000",
        "block_minutes": "120",
        "slot_minutes": "60",
        "min_minutes": "60",
        "max_minutes": "240",
        "opens_days_ahead": "90",
        "closes_days_ahead": "1",
        "max_hours_per_day": "4",
        "max_bookings_per_month": "4",
        "eligibility": "anyone",
        "excluded_purposes": ["political", "religious", "commercial"],
        "confirmation": "instant",
        "request_hours": "72",
        "payment_hours": "48",
        "allocation": "first",
        "human_seconds": "5",
        "lottery_draw_days": "7",
        "no_show_limit": "2",
        "suspension_days": "30",
    }
    response = client.post(_url("space_new"), {**data, "max_minutes": "30"})
    assert response.status_code == 422 and not Space.objects.exists()
    assert "The longest booking cannot be shorter" in response.content.decode()
    response = client.post(_url("space_new"), data)
    space = Space.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("space_hours", space)
    assert space.latitude == pytest.approx(37.5634) and space.excluded == {
        "political",
        "religious",
        "commercial",
    }
    page = client.get(_url("space_edit", space)).content.decode()
    assert "성동구 공유 회의실" in page and 'name="latitude"' in page


def test_rows_page_shows_each_error_beside_its_row(client, space, staff):
    client.force_login(staff)
    data = {
        "hours-TOTAL_FORMS": "3",
        "hours-INITIAL_FORMS": "0",
        "hours-0-weekday": "0",
        "hours-0-opens": "09:00",
        "hours-0-closes": "18:00",
        "hours-1-weekday": "",
        "hours-1-opens": "",
        "hours-1-closes": "",
        "hours-2-weekday": "0",
        "hours-2-opens": "17:00",
        "hours-2-closes": "20:00",
    }
    before = set(OpeningHours.objects.filter(space=space).values_list("pk", flat=True))
    response = client.post(_url("space_hours", space), data)
    assert response.status_code == 422
    assert "overlaps another one" in response.content.decode()
    assert set(OpeningHours.objects.filter(space=space).values_list("pk", flat=True)) == before
    data["hours-2-opens"] = "18:00"
    response = client.post(_url("space_hours", space), data)
    assert response.status_code == 302
    assert list(space.hours.values_list("weekday", "opens", "closes")) == [
        (0, time(9), time(18)),
        (0, time(18), time(20)),
    ]


def test_fee_table_and_photos_show_on_the_public_page(client, space, staff):
    services.replace_fee_rates(
        actor=staff, space=space, rows=[services.FeeRow("weekend", time(0), 15000)]
    )
    services.add_photo(actor=staff, space=space, image=_png(), alt_ko="창이 큰 회의실")
    page = client.get(space.get_absolute_url()).content.decode()
    assert "₩15,000" in page and "₩10,000" in page and 'alt="창이 큰 회의실"' in page


def test_the_photos_page_adds_and_refuses(client, space, staff):
    client.force_login(staff)
    response = client.post(_url("space_photos", space), {"image": _png(), "alt_ko": ""})
    assert response.status_code == 422 and not space.photos.exists()
    response = client.post(_url("space_photos", space), {"image": _png(), "alt_ko": "회의실"})
    assert response.status_code == 302 and space.photos.count() == 1


def test_findability_links(client, space, staff, city_staff):
    client.force_login(staff)
    page = client.get(_url("calendar", space)).content.decode()
    assert _url("space_edit", space) in page and _url("space_staff", space) not in page
    assert _url("space_new") not in client.get(_url("queue")).content.decode()
    client.force_login(city_staff)
    assert _url("space_staff", space) in client.get(_url("calendar", space)).content.decode()
    assert _url("space_new") in client.get(_url("queue")).content.decode()


# --- API -------------------------------------------------------------------------------------------


API = "/api/v1/spaces/manage/spaces"


def _api_body(district, **extra):
    return {**_fields(district), "district": district.slug, **extra}


def test_api_create_and_update(client, city_staff, staff, space, district):
    client.force_login(city_staff)
    response = client.post(
        API, _api_body(district, features=["nope"]), content_type="application/json"
    )
    assert response.status_code == 422 and "features" in response.json()["errors"]
    response = client.post(
        API, _api_body(district, fee_mode="hour", fee_amount=0), content_type="application/json"
    )
    assert response.status_code == 422 and "fee_amount" in response.json()["errors"]
    assert not Space.objects.filter(district=district).exists()
    response = client.post(API, _api_body(district), content_type="application/json")
    assert response.status_code == 201 and response.json()["is_active"] is False
    client.force_login(staff)
    response = client.patch(
        f"{API}/{space.slug}", {"capacity": 45}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["capacity"] == 45
    assert response.json()["staff"] == []  # only city staff see the staff list
    response = client.put(
        f"{API}/{space.slug}/hours",
        {
            "rows": [
                {"weekday": 1, "opens": "09:00", "closes": "12:00"},
                {"weekday": 1, "opens": "11:00", "closes": "13:00"},
            ]
        },
        content_type="application/json",
    )
    assert response.status_code == 422 and list(response.json()["errors"]) == ["hours-1-opens"]
    response = client.put(
        f"{API}/{space.slug}/fees",
        {"rows": [{"day_kind": "weekday", "starts": "18:00", "amount": 15000}]},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["fees"][0]["amount"] == 15000


@pytest.mark.parametrize(("who", "may_create", "may_edit"), MATRIX)
def test_api_by_who_asks(request, client, space, staff, district, who, may_create, may_edit):
    person = _as(request, who)
    if person is not None:
        client.force_login(person)
    denied = 401 if person is None else 403
    response = client.post(API, _api_body(district), content_type="application/json")
    assert response.status_code == (201 if may_create else denied)
    response = client.patch(
        f"{API}/{space.slug}", {"capacity": 33}, content_type="application/json"
    )
    assert response.status_code == (200 if may_edit else denied)
    assert response.json()["errors"] == {} if not may_edit else True
    response = client.put(
        f"{API}/{space.slug}/staff", {"emails": []}, content_type="application/json"
    )
    assert response.status_code == (200 if may_create else denied)
    assert client.get(f"{API}/no-such-space").status_code == (404 if person else 401)


# --- valid HTML ------------------------------------------------------------------------------------


def test_the_space_pages_are_valid_html(client, space, staff, city_staff, tmp_path):
    from pathlib import Path
    from urllib.parse import unquote, urlparse

    from django.utils import translation

    from sharehub.core.tests.test_html_valid import _java, _vnu_errors

    java = _java()
    Feature.objects.create(code="wifi", kind="amenity", name_ko="무선 인터넷", name_en="Wi-Fi")
    services.replace_fee_rates(
        actor=staff, space=space, rows=[services.FeeRow("weekday", time(18), 15000)]
    )
    services.add_photo(actor=staff, space=space, image=_png(), alt_ko="회의실 전경")
    files: dict[Path, str] = {}

    def keep(label: str, response) -> None:
        file = tmp_path / f"{label}.html"
        file.write_bytes(response.content)
        files[file] = label

    for lang in ("ko", "en"):
        with translation.override(lang):
            urls = [_url(n, space) for n in ("space_edit", "space_hours", "space_fees")] + [
                _url(n, space) for n in ("space_refunds", "space_photos", "space_staff")
            ]
            urls += [_url("space_new"), _url("calendar", space), _url("queue")]
            detail = space.get_absolute_url()
        client.force_login(city_staff)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            keep(f"{lang}-{url.strip('/').replace('/', '-')}", response)
        keep(f"{lang}-new-errors", client.post(urls[6], {"name_ko": "", "latitude": "91"}))
        keep(
            f"{lang}-photo-errors",
            client.post(urls[4], {"image": _png(), "alt_ko": ""}),
        )
        client.logout()
        keep(f"{lang}-detail", client.get(detail))
    lines = []
    for error in _vnu_errors(java, list(files)):
        file = Path(unquote(urlparse(error.get("url", "")).path))
        lines.append(f"{files.get(file, file)}: {error.get('message')} ({error.get('extract')})")
    assert not lines, "\n".join(lines)


def test_rows_page_keeps_shown_rows_drops_blank_and_removed_ones(client, space, staff):
    client.force_login(staff)
    page = client.get(_url("space_hours", space)).content.decode()
    assert 'name="hours-TOTAL_FORMS" value="11"' in page  # 7 saved rows and 4 blank ones
    data = {"hours-TOTAL_FORMS": "11", "hours-INITIAL_FORMS": "0"}
    for i in range(11):
        saved = i < 7
        data |= {
            f"hours-{i}-weekday": str(i) if saved else "",
            f"hours-{i}-opens": "09:00" if saved else "",
            f"hours-{i}-closes": "22:00" if saved else "",
        }
    data["hours-6-DELETE"] = "on"
    assert client.post(_url("space_hours", space), data).status_code == 302
    assert sorted(space.hours.values_list("weekday", flat=True)) == [0, 1, 2, 3, 4, 5]
