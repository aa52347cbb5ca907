"""An address's place name ("광진구 일대", "around Gwangjin-gu") in both languages: the page, the
owner's form, the API, the demo and the migration that made the one label the Korean one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from sharehub.directory import services
from sharehub.directory.demo import district_address, district_label, load_directory_demo
from sharehub.directory.forms import AddressForm
from sharehub.directory.models import ListingAddress
from sharehub.organizations.demo import demo_rows
from sharehub.organizations.tests.factories import OrganizationFactory
from sharehub.places.tests.factories import DistrictFactory

from .factories import AddressFactory, ListingFactory

pytestmark = pytest.mark.django_db


def _page(client, listing, lang: str) -> str:
    response = client.get(f"/{lang}/directory/{listing.organization.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def _api_address(client, listing, lang: str) -> dict:
    response = client.get(
        f"/api/v1/directory/listings/{listing.organization.slug}", HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 200
    [address] = response.json()["addresses"]
    return address


def test_each_language_shows_its_own_place_name(client, listing):
    AddressFactory(listing=listing, label_ko="광진구 일대", label_en="around Gwangjin-gu")

    korean, english = _page(client, listing, "ko"), _page(client, listing, "en")
    assert "<strong>광진구 일대</strong>:" in korean and "around Gwangjin-gu" not in korean
    assert "<strong>around Gwangjin-gu</strong>:" in english and "광진구 일대" not in english
    # The road address is a proper noun: the same on both pages.
    assert "서울특별시 중구 세종대로 110" in korean and "서울특별시 중구 세종대로 110" in english

    for lang, label in (("ko", "광진구 일대"), ("en", "around Gwangjin-gu")):
        address = _api_address(client, listing, lang)
        assert address["label"] == label
        assert (address["label_ko"], address["label_en"]) == ("광진구 일대", "around Gwangjin-gu")


def test_a_korean_only_place_name_falls_back_and_says_so(client, listing):
    AddressFactory(listing=listing, label_ko="본점")

    english = _page(client, listing, "en")
    assert '<strong><span lang="ko">본점</span> <span class="tag lang-note">Korean only</span>' in (
        english
    )
    assert '<span lang="ko">본점</span>' not in _page(client, listing, "ko")
    address = _api_address(client, listing, "en")
    assert (address["label"], address["label_ko"], address["label_en"]) == ("본점", "본점", None)


def test_no_place_name_is_an_empty_label_in_the_api(client, listing):
    AddressFactory(listing=listing)
    address = _api_address(client, listing, "en")
    assert (address["label"], address["label_ko"], address["label_en"]) == ("", None, None)
    assert "<p>서울특별시 중구 세종대로 110" in _page(client, listing, "en")


def test_the_owners_form_has_both_languages_and_saves_both(client, listing, member, district):
    client.force_login(member)
    manage = reverse("directory:manage", args=[listing.organization.slug])
    with translation.override("en"):
        form = AddressForm()
        assert [str(form[name].label) for name in ("label_ko", "label_en")] == [
            "Place name in Korean",
            "Place name in English",
        ]
    with translation.override("ko"):
        form = AddressForm()
        assert [str(form[name].label) for name in ("label_ko", "label_en")] == [
            "한국어 장소 이름",
            "영어 장소 이름",
        ]
        # Each field's example is in that field's language, said in the page's.
        assert [str(form[name].help_text) for name in ("label_ko", "label_en")] == [
            "예: 본점, 광진구 일대",
            "예: main office, around Gwangjin-gu",
        ]
    with translation.override("en"):
        assert str(AddressForm()["label_ko"].help_text) == "For example: 본점, 광진구 일대"
    assert 'name="label_ko"' in client.get(manage).content.decode()

    add = reverse("directory:address_add", args=[listing.organization.slug])
    response = client.post(
        add,
        {
            "label_ko": " 광진구 일대 ",
            "label_en": "around Gwangjin-gu",
            "address": "서울특별시 광진구",
            "district": district.pk,
            "latitude": "37.54",
            "longitude": "127.08",
        },
    )
    assert response.status_code == 302
    # Back at the page's top, where the message is (the form's own #add-address is not kept).
    assert response["Location"] == f"{manage}#main"
    address = listing.addresses.get()
    assert (address.label_ko, address.label_en) == ("광진구 일대", "around Gwangjin-gu")
    assert "<strong>광진구 일대</strong>:" in client.get(manage).content.decode()

    edit = reverse("directory:address_edit", args=[listing.organization.slug, address.pk])
    response = client.post(
        edit, {"label_ko": "본점", "label_en": "Main office", "address": "서울특별시 광진구"}
    )
    assert response.status_code == 302
    address.refresh_from_db()
    assert (address.label_ko, address.label_en) == ("본점", "Main office")


def test_bad_place_names_are_field_errors(client, listing, member):
    client.force_login(member)
    add = reverse("directory:address_add", args=[listing.organization.slug])
    response = client.post(
        add, {"label_ko": "가" * 81, "label_en": "x" * 81, "address": "서울특별시 광진구"}
    )
    assert response.status_code == 400
    assert {"label_ko", "label_en"} <= set(response.context["address_form"].errors)
    assert not ListingAddress.objects.exists()
    # The long page says at its top what was not added, and the browser comes back to the
    # form's anchor (its action's fragment), where the marked fields are.
    page = response.content.decode()
    assert "주소를 추가하지 못했습니다." in page.split('id="add-address"')[0]
    assert f'action="{add}#add-address" id="add-address"' in page

    with pytest.raises(ValidationError) as caught:
        services.add_address(
            actor=member,
            organization=listing.organization,
            label_ko="본점",
            label_en="x" * 81,
            address="서울특별시 광진구",
        )
    assert set(caught.value.message_dict) == {"label_en"}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_page_map_names_the_place_in_the_readers_language(client, listing, lang):
    AddressFactory(listing=listing, label_ko="광진구 일대", label_en="around Gwangjin-gu")
    page = _page(client, listing, lang)
    shown, other = ("광진구 일대", "around Gwangjin-gu")[:: 1 if lang == "ko" else -1]
    assert shown in page and other not in page


def _demo_organization():
    """Open Closet, the demo's organization in Gwangjin-gu, and its district."""
    district = DistrictFactory(name_ko="광진구", name_en="Gwangjin-gu")
    [row] = [row for row in demo_rows() if row["district_en"] == "Gwangjin-gu"]
    return OrganizationFactory(name_ko=row["name_ko"]), district


def test_the_demo_names_its_places_in_both_languages(city_staff):
    organization, district = _demo_organization()
    assert district_label(district) == {"label_ko": "광진구 일대", "label_en": "around Gwangjin-gu"}
    assert district_address(district) == "서울특별시 광진구"

    load_directory_demo(actor=city_staff)
    address = organization.listing.addresses.get()
    assert (address.address, address.label_ko, address.label_en) == (
        "서울특별시 광진구",
        "광진구 일대",
        "around Gwangjin-gu",
    )


def test_the_demo_corrects_the_place_names_earlier_demos_wrote(city_staff):
    """Earlier demos wrote "광진구 일대" as the address itself; loading again corrects it, and
    only it."""
    organization, district = _demo_organization()
    listing = ListingFactory(organization=organization)
    old = AddressFactory(listing=listing, address="광진구 일대", district=district)
    own = AddressFactory(listing=listing, address="광진구 일대")  # no district: not the demo's
    other = AddressFactory(address="광진구 일대", district=district)  # not a demo organization

    load_directory_demo(actor=city_staff)
    old.refresh_from_db()
    assert (old.address, old.label_ko, old.label_en) == (
        "서울특별시 광진구",
        "광진구 일대",
        "around Gwangjin-gu",
    )
    for untouched in (own, other):
        untouched.refresh_from_db()
        assert (untouched.address, untouched.label_ko) == ("광진구 일대", None)


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_each_label_as_the_korean_one():
    labelled, unlabelled, english = AddressFactory(), AddressFactory(), AddressFactory()
    executor = MigrationExecutor(connection)
    executor.migrate([("directory", "0007_counts_on_page_versions")])
    Old = executor.loader.project_state(
        [("directory", "0007_counts_on_page_versions")]
    ).apps.get_model("directory", "ListingAddress")
    Old.objects.filter(pk=labelled.pk).update(label="본점")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    labelled.refresh_from_db()
    unlabelled.refresh_from_db()
    assert (labelled.label_ko, labelled.label_en) == ("본점", None)
    assert (unlabelled.label_ko, unlabelled.label_en) == (None, None)

    # And back: the Korean name, edited since, is the one label again; a place named only in
    # English since keeps that name.
    ListingAddress.objects.filter(pk=labelled.pk).update(label_ko="새 본점")
    ListingAddress.objects.filter(pk=english.pk).update(label_ko="", label_en="Main office")
    executor = MigrationExecutor(connection)
    executor.migrate([("directory", "0007_counts_on_page_versions")])
    Old = executor.loader.project_state(
        [("directory", "0007_counts_on_page_versions")]
    ).apps.get_model("directory", "ListingAddress")
    assert Old.objects.get(pk=labelled.pk).label == "새 본점"
    assert Old.objects.get(pk=unlabelled.pk).label == ""
    assert Old.objects.get(pk=english.pk).label == "Main office"
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
