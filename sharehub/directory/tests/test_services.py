from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sharehub.core.demo import load_demo
from sharehub.directory import services
from sharehub.directory.demo import load_directory_demo
from sharehub.directory.filters import ListingFilterForm
from sharehub.directory.models import (
    Category,
    Listing,
    ListingPhoto,
    PriceType,
    Service,
    Suggestion,
)
from sharehub.directory.search_index import reindex_listing
from sharehub.directory.selectors import browse_listings
from sharehub.directory.suggestions import submit_suggestion
from sharehub.moderation import services as moderation
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.tests.factories import image_bytes
from sharehub.places.tests.factories import DistrictFactory
from sharehub.search.selectors import search

from .factories import AddressFactory, ListingFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def browsed(params: dict) -> list:
    """The public listings a visitor sees with these query parameters."""
    return list(browse_listings(**ListingFilterForm(params).applied()).queryset)


def test_seeded_taxonomy_has_thirteen_categories():
    assert Category.objects.count() == 13
    assert Category.objects.filter(slug="car-sharing-and-parking", name_ko="카셰어링·주차").exists()


def test_member_updates_listing_and_search_sees_it(listing, member):
    space = Category.objects.get(slug="space")
    services.update_listing(
        actor=member,
        organization=listing.organization,
        summary_ko="공유 부엌 <script>x</script> 🍳",
        categories=[space],
        links=[{"label": "Blog", "url": "https://example.org"}],
    )
    listing.refresh_from_db()
    assert listing.summary_ko == "공유 부엌 <script>x</script> 🍳"
    assert list(listing.categories.all()) == [space]
    assert [link.url for link in listing.links.all()] == ["https://example.org"]
    assert [hit.object_id for hit in search("부엌", model=type(listing))] == [listing.pk]


def test_other_member_and_stranger_cannot_edit(listing, other_member, user, moderator):
    for actor in (other_member, user, moderator):
        with pytest.raises(PermissionDenied):
            services.update_listing(actor=actor, organization=listing.organization, summary_ko="x")


def test_update_listing_bad_input_writes_nothing(listing, member):
    with pytest.raises(ValidationError) as error:
        services.update_listing(
            actor=member,
            organization=listing.organization,
            summary_ko="가" * 301,
            email="not-an-email",
            links=[{"label": "", "url": "javascript:alert(1)"}],
        )
    assert {"summary_ko", "email", "links"} <= set(error.value.message_dict)
    listing.refresh_from_db()
    assert listing.summary_ko == "함께 나눠 쓰는 공간"


def test_service_crud_and_bad_price(listing, member):
    service = services.create_service(
        actor=member,
        organization=listing.organization,
        name_ko="대여",
        price_type=PriceType.DEPOSIT,
    )
    services.update_service(
        actor=member, organization=listing.organization, service_id=service.pk, name_en="Rental"
    )
    assert Service.objects.get(pk=service.pk).name_en == "Rental"
    with pytest.raises(ValidationError) as error:
        services.create_service(
            actor=member, organization=listing.organization, name_ko="", price_type="cheap"
        )
    assert {"name_ko", "price_type"} <= set(error.value.message_dict)
    other_service = ServiceFactory()
    with pytest.raises(ValidationError):
        services.delete_service(
            actor=member, organization=listing.organization, service_id=other_service.pk
        )
    services.delete_service(actor=member, organization=listing.organization, service_id=service.pk)
    assert not Service.objects.filter(pk=service.pk).exists()


def test_address_coordinates_validated(listing, member):
    with pytest.raises(ValidationError) as error:
        services.add_address(
            actor=member,
            organization=listing.organization,
            address="어딘가",
            latitude=123.0,
            longitude=10.0,
        )
    assert "latitude" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.add_address(
            actor=member, organization=listing.organization, address="어딘가", latitude=37.5
        )


def test_photo_is_checked_and_needs_korean_alt(listing, member):
    fake = SimpleUploadedFile("photo.png", b"<?php echo 1; ?>", content_type="image/png")
    with pytest.raises(ValidationError) as error:
        services.add_photo(actor=member, organization=listing.organization, image=fake, alt_ko="")
    assert {"image", "alt_ko"} <= set(error.value.message_dict)
    assert not ListingPhoto.objects.exists()
    real = SimpleUploadedFile("photo.png", image_bytes(), content_type="image/png")
    photo = services.add_photo(
        actor=member, organization=listing.organization, image=real, alt_ko="공유 공간 내부"
    )
    assert photo.image.name.endswith(".png") and "photo" not in photo.image.name.split("/")[-1]


def test_categories_only_city_staff(user, city_staff):
    with pytest.raises(PermissionDenied):
        services.create_category(actor=user, slug="pets", name_ko="반려동물")
    category = services.create_category(
        actor=city_staff, slug="pets", name_ko="반려동물", name_en="Pets"
    )
    assert category.pk
    with pytest.raises(ValidationError) as error:
        services.create_category(actor=city_staff, slug="pets", name_ko="")
    assert {"slug", "name_ko"} <= set(error.value.message_dict)


def test_distance_sort_nearest_address_and_missing_last():
    far = ListingFactory()
    AddressFactory(listing=far, latitude=37.65, longitude=127.05)
    near = ListingFactory()
    AddressFactory(listing=near, latitude=37.70, longitude=127.10)  # its far address …
    AddressFactory(listing=near, latitude=37.567, longitude=126.979)  # … and its nearest one
    nowhere = ListingFactory()
    assert browsed({"near": "37.5665,126.9780"}) == [near, far, nowhere]


def test_filters_by_category_district_price(district):
    space = Category.objects.get(slug="space")
    a, b, c = ListingFactory(), ListingFactory(), ListingFactory()
    a.categories.add(space)
    b.districts_served.add(district)
    ServiceFactory(listing=c, price_type=PriceType.MEMBERSHIP)
    elsewhere = ListingFactory()
    elsewhere.districts_served.add(DistrictFactory())
    assert browsed({"category": "space"}) == [a]
    # A district's own listings first, then those serving the whole city (a and c name no
    # district), never one serving only another district.
    in_district = browsed({"district": district.slug})
    assert in_district[0] == b and set(in_district[1:]) == {a, c}
    assert browsed({"price": "membership"}) == [c]
    form = ListingFilterForm({"category": "nope", "price": "cheap", "near": "999,1", "sort": "x"})
    assert set(form.applied()) == {"q", "district", "designated"}
    assert set(form.errors) == {"category", "price", "near", "sort"}


def test_unpublished_organization_hides_listing():
    hidden = ListingFactory(organization__moderation_status=ModerationStatus.HIDDEN)
    shown = ListingFactory()
    assert browsed({}) == [shown]
    assert hidden.pk


def test_search_keeps_ranking_and_highlight():
    a = ListingFactory(organization__name_ko="공구도서관", organization__name_en="Tool Library")
    services.update_listing  # noqa: B018

    reindex_listing(a)
    b = ListingFactory()
    reindex_listing(b)
    browse = browse_listings(**ListingFilterForm({"q": "공구도서관"}).applied())
    assert list(browse.queryset) == [a]
    assert "<mark>" in browse.highlights[a.pk]


def test_suggestion_publish_applies_and_reject_tells_why(listing, user, moderator):
    suggestion = submit_suggestion(
        actor=user,
        kind="new_service",
        listing=listing,
        values={"name_ko": "자전거 수리", "price_type": "free"},
    )
    assert suggestion.moderation_status == ModerationStatus.PENDING
    assert not listing.services.exists()
    moderation.publish(actor=moderator, obj=suggestion)
    assert listing.services.get().name_ko == "자전거 수리"
    correction = submit_suggestion(
        actor=user, kind="correction", listing=listing, values={"phone": "02-123-4567"}
    )
    moderation.reject(actor=moderator, obj=correction, reason="출처가 없습니다")
    listing.refresh_from_db()
    assert listing.phone == ""
    assert user.notifications.filter(body__contains="출처가 없습니다").exists()


def test_new_listing_suggestion_creates_published_organization(user, moderator):
    suggestion = submit_suggestion(
        actor=user,
        kind="new_listing",
        values={"name_ko": "동네 공구함", "category": "goods-and-tools"},
    )
    moderation.publish(actor=moderator, obj=suggestion)
    suggestion.refresh_from_db()
    assert suggestion.listing.organization.is_published
    assert suggestion.listing.categories.get().slug == "goods-and-tools"


def test_suggestion_bad_input(user, listing):
    with pytest.raises(ValidationError) as error:
        submit_suggestion(
            actor=user,
            kind="new_service",
            listing=listing,
            values={"name_ko": "", "price_type": "cheap", "evil": "x"},
        )
    assert {"evil"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        submit_suggestion(actor=user, kind="correction", listing=listing, values={"email": "nope"})
    assert "email" in error.value.message_dict
    assert not Suggestion.objects.exists()


def test_demo_is_idempotent(city_staff):

    load_demo()  # calls load_directory_demo
    assert Listing.objects.count() == 41
    assert load_directory_demo(actor=city_staff) == 0
    assert Listing.objects.count() == 41

    open_closet = Listing.objects.get(organization__name_en="Open Closet")
    assert open_closet.categories.get().slug == "clothing"
    assert open_closet.addresses.get().district.name_en == "Gwangjin-gu"
