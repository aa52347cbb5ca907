"""Address and photo edits, the district page's listings, the search box's suggestions, the
designated filter, the suggestion rate limits and the moderators' row of the API's PATCH."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sharehub.core import ratelimit
from sharehub.core.models import AuditEntry
from sharehub.designation import services as designation_services
from sharehub.designation.tests.factories import designate, world
from sharehub.directory import api as directory_api
from sharehub.directory import services
from sharehub.directory.filters import ListingFilterForm
from sharehub.directory.models import Category, ListingAddress, ListingPhoto, Suggestion
from sharehub.directory.search_index import reindex_listing
from sharehub.directory.selectors import browse_listings
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.tests.factories import image_bytes
from sharehub.places.tests.factories import DistrictFactory

from .factories import AddressFactory, ListingFactory

pytestmark = pytest.mark.django_db


def _photo(listing, member) -> ListingPhoto:
    upload = SimpleUploadedFile("p.png", image_bytes("PNG", (40, 30)), content_type="image/png")
    return services.add_photo(
        actor=member, organization=listing.organization, image=upload, alt_ko="처음 설명"
    )


# --- address and photo edits ------------------------------------------------------------


def test_member_edits_an_address(client, listing, member, district):
    address = AddressFactory(listing=listing)
    client.force_login(member)
    url = reverse("directory:address_edit", args=[listing.organization.slug, address.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"label_ko": "본점", "address": "", "latitude": "95", "longitude": ""}
    )
    assert response.status_code == 400
    assert {"address", "latitude"} <= set(response.context["form"].errors)
    response = client.post(
        url,
        {
            "label_ko": "본점 <b>",
            "label_en": "Main office",
            "address": "서울 종로구 1 🏠",
            "latitude": "37.57",
            "longitude": "",
            "district": district.pk,
        },
    )
    assert response.status_code == 400 and "longitude" in response.context["form"].errors
    response = client.post(
        url,
        {
            "label_ko": "본점 <b>",
            "label_en": "Main office",
            "address": "서울 종로구 1 🏠",
            "latitude": "37.57",
            "longitude": "126.98",
            "district": district.pk,
        },
    )
    assert response.status_code == 302
    address.refresh_from_db()
    assert (
        address.label_ko,
        address.label_en,
        address.address,
        address.longitude,
        address.district,
    ) == (
        "본점 <b>",
        "Main office",
        "서울 종로구 1 🏠",
        126.98,
        district,
    )
    assert AuditEntry.objects.filter(action="directory.address_updated").count() == 1


def test_member_edits_a_photo(client, listing, member):
    photo = _photo(listing, member)
    client.force_login(member)
    url = reverse("directory:photo_edit", args=[listing.organization.slug, photo.pk])
    response = client.get(url)
    assert response.status_code == 200 and photo.image.url in response.content.decode()
    response = client.post(url, {"alt_ko": "", "alt_en": "x" * 201, "order": "-1"})
    assert response.status_code == 400
    assert {"alt_ko", "alt_en", "order"} <= set(response.context["form"].errors)
    response = client.post(
        url, {"alt_ko": "자전거 <script>x</script> 🚲", "alt_en": "Bikes", "order": "2"}
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert (photo.alt_ko, photo.alt_en, photo.order) == ("자전거 <script>x</script> 🚲", "Bikes", 2)
    assert (
        "자전거 &lt;script&gt;"
        in client.get(
            reverse("directory:detail", args=[listing.organization.slug])
        ).content.decode()
    )


def test_services_refuse_another_listings_address_and_photo(listing, member, other_member):
    other = ListingFactory()
    address = AddressFactory(listing=other)

    with pytest.raises(ValidationError):
        services.update_address(
            actor=member, organization=listing.organization, address_id=address.pk, address="x"
        )
    with pytest.raises(PermissionDenied):
        services.update_address(
            actor=other_member,
            organization=listing.organization,
            address_id=address.pk,
            address="x",
        )
    photo = _photo(listing, member)
    with pytest.raises(PermissionDenied):
        services.update_photo(
            actor=other_member, organization=listing.organization, photo_id=photo.pk, alt_ko="x"
        )
    assert ListingAddress.objects.get(pk=address.pk).address != "x"


@pytest.mark.parametrize("kind", ["address", "photo"])
@pytest.mark.parametrize(
    "role,get_status,post_status",
    [
        ("citizen", 403, 403),
        ("other_member", 403, 403),
        ("moderator", 403, 403),
        ("member", 200, 302),
        ("city_staff", 200, 302),
    ],
)
def test_edit_pages_permission_matrix(
    client,
    listing,
    member,
    other_member,
    user,
    moderator,
    city_staff,
    kind,
    role,
    get_status,
    post_status,
):
    part = AddressFactory(listing=listing) if kind == "address" else _photo(listing, member)
    url = reverse(f"directory:{kind}_edit", args=[listing.organization.slug, part.pk])
    data = {"address": "새 주소"} if kind == "address" else {"alt_ko": "새 설명", "order": 0}
    assert client.get(url).status_code == 302  # anonymous → login
    actor = {
        "citizen": user,
        "other_member": other_member,
        "moderator": moderator,
        "member": member,
        "city_staff": city_staff,
    }[role]
    client.force_login(actor)
    assert client.get(url).status_code == get_status
    assert client.post(url, data).status_code == post_status


def test_edit_pages_404_for_a_part_of_another_listing(client, listing, member):
    other = ListingFactory()
    address = AddressFactory(listing=other)
    client.force_login(member)
    url = reverse("directory:address_edit", args=[listing.organization.slug, address.pk])
    assert client.post(url, {"address": "x"}).status_code == 404
    assert ListingAddress.objects.get(pk=address.pk).address != "x"


# --- the district page --------------------------------------------------------------------


def test_district_page_lists_served_and_located_listings(client, district):
    elsewhere = DistrictFactory()
    served = ListingFactory(organization__name_ko="가 서비스하는 곳")
    served.districts_served.add(district)
    located = ListingFactory(organization__name_ko="나 주소가 있는 곳")
    AddressFactory(listing=located, district=district)
    other = ListingFactory(organization__name_ko="다 다른 구")
    other.districts_served.add(elsewhere)
    hidden = ListingFactory(
        organization__name_ko="라 숨긴 곳", organization__moderation_status=ModerationStatus.HIDDEN
    )
    hidden.districts_served.add(district)
    html = client.get(f"/ko/districts/{district.slug}/").content.decode()
    assert "가 서비스하는 곳" in html and "나 주소가 있는 곳" in html
    assert "다 다른 구" not in html and "라 숨긴 곳" not in html
    assert f"/ko/directory/?district={district.slug}" in html


def test_district_page_listings_are_paginated(client, district):
    for number in range(23):
        ListingFactory(organization__name_ko=f"공유 {number:02d}").districts_served.add(district)
    first = client.get(f"/ko/districts/{district.slug}/").content.decode()
    assert "공유 00" in first and "공유 22" not in first
    assert "listings_page=2" in first
    second = client.get(f"/ko/districts/{district.slug}/?listings_page=2").content.decode()
    assert "공유 22" in second and "공유 00" not in second


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.usefixtures("no_page_cache")
def test_district_page_query_count_constant(client, district, count, django_assert_max_num_queries):
    space = Category.objects.get(slug="space")
    for _ in range(count):
        listing = ListingFactory()
        listing.districts_served.add(district)
        listing.categories.add(space)
        AddressFactory(listing=listing, district=district)
    with django_assert_max_num_queries(6):
        response = client.get(f"/ko/districts/{district.slug}/")
    assert response.status_code == 200
    assert response.context["listings_page"].paginator.count == count


# --- the search box's suggestions ---------------------------------------------------------


def test_search_box_asks_search_for_suggestions(client):
    html = client.get("/ko/directory/").content.decode()
    assert 'data-hx-get="/ko/search/suggest/"' in html
    assert "directory.listing" in html and 'aria-controls="q-suggestions"' in html
    assert 'id="q-suggestions"' in html and 'role="combobox"' in html
    assert 'data-hx-push-url="false"' in html
    assert html.count("core/js/combobox.js") == 1  # the header's, which sets up every box
    assert 'data-combobox="submit"' in html
    assert (
        '<form method="get" action="/ko/directory/"' in html
    )  # still a plain form without JavaScript


def test_suggest_endpoint_answers_for_listings(client):
    listing = ListingFactory(
        organization__name_ko="공구도서관", organization__name_en="Tool Library"
    )
    reindex_listing(listing)
    response = client.get("/ko/search/suggest/", {"model": "directory.listing", "q": "공구"})
    assert response.status_code == 200
    assert "공구도서관" in response.content.decode()


# --- the designated filter ------------------------------------------------------------------


def test_designated_filter_on_page_and_api(client):

    organization, owner, _editor, staff = world()
    designated = ListingFactory(organization=organization)
    plain = ListingFactory(organization__name_ko="지정 안 된 곳")
    designation = designate(organization, owner, staff)
    assert list(
        browse_listings(**ListingFilterForm({"designated": "true"}).applied()).queryset
    ) == [designated]
    assert set(browse_listings(**ListingFilterForm({}).applied()).queryset) == {designated, plain}
    html = client.get("/ko/directory/?designated=on").content.decode()
    assert organization.name_ko in html and "지정 안 된 곳" not in html
    slugs = [
        item["slug"]
        for item in client.get("/api/v1/directory/listings?designated=true").json()["results"]
    ]
    assert slugs == [organization.slug]
    designation_services.suspend_designation(actor=staff, designation=designation, reason="점검 중")
    assert (
        list(browse_listings(**ListingFilterForm({"designated": "true"}).applied()).queryset) == []
    )


# --- rate limits on suggestions ---------------------------------------------------------------


@pytest.fixture
def frozen_window(monkeypatch):
    """One rate-limit window for the whole test, whatever the clock does meanwhile."""
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_700_000_000.0))


def test_suggestion_page_is_rate_limited(client, user, frozen_window):
    client.force_login(user)
    url = reverse("directory:suggest")
    statuses = [client.post(url, {"name_ko": ""}).status_code for _ in range(21)]
    assert statuses[:20] == [400] * 20 and statuses[20] == 429
    assert client.get(url).status_code == 200  # reading the form is never limited


def test_suggestion_api_is_rate_limited(client, user, listing, frozen_window, monkeypatch):
    monkeypatch.setattr(directory_api, "SUGGEST_RATE", "3/h")
    client.force_login(user)
    body = {
        "kind": "correction",
        "listing": listing.organization.slug,
        "values": {"phone": "02-000-0000"},
    }
    statuses = [
        client.post(
            "/api/v1/directory/suggestions", body, content_type="application/json"
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [201, 201, 201, 429]
    assert Suggestion.objects.count() == 3


# --- PATCH by a moderator ---------------------------------------------------------------------


def test_api_patch_is_forbidden_to_moderators_and_allowed_to_city_staff(
    client, listing, moderator, city_staff
):
    url = f"/api/v1/directory/listings/{listing.organization.slug}"
    client.force_login(moderator)
    response = client.patch(url, {"summary_ko": "중재자가 고침"}, content_type="application/json")
    assert response.status_code == 403 and "detail" in response.json()
    client.force_login(city_staff)
    assert (
        client.patch(
            url, {"summary_ko": "시청이 고침"}, content_type="application/json"
        ).status_code
        == 200
    )
    listing.refresh_from_db()
    assert listing.summary_ko == "시청이 고침"
