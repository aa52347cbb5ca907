"""A member's first listing waits for a moderator, then is public everywhere; the organization's
page offers its owners and editors to create and manage it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from sharehub.accounts.tests.factories import UserFactory, give_totp
from sharehub.directory import selectors, services
from sharehub.directory.models import Listing
from sharehub.moderation import services as moderation
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory
from sharehub.search.selectors import search

pytestmark = pytest.mark.django_db

NAME = "나눔공방협동조합"


@pytest.fixture
def org():
    return OrganizationFactory(name_ko=NAME, moderation_status=ModerationStatus.PUBLISHED)


@pytest.fixture
def owner(org):
    user = UserFactory()
    MembershipFactory(organization=org, user=user, role=MemberRole.OWNER)
    return user


@pytest.fixture
def editor(org):
    user = UserFactory()
    MembershipFactory(organization=org, user=user, role=MemberRole.EDITOR)
    return user


@pytest.fixture
def moderator():
    return give_totp(UserFactory(is_moderator=True))


def _public_everywhere(client, listing: Listing) -> dict[str, bool]:
    slug = listing.organization.slug
    return {
        "selector": selectors.public_listings().filter(pk=listing.pk).exists(),
        "list": slug in client.get(reverse("directory:list")).content.decode(),
        "detail": client.get(reverse("directory:detail", args=[slug])).status_code == 200,
        "api_list": slug in client.get("/api/v1/directory/listings").content.decode(),
        "api_detail": client.get(f"/api/v1/directory/listings/{slug}").status_code == 200,
        "search": any(hit.object_id == listing.pk for hit in search(NAME, model=Listing)),
        "sitemap": f"/directory/{slug}/"
        in client.get("/sitemap-listings.xml").content.decode()
        + client.get("/sitemap.xml").content.decode(),
        "export": slug
        in b"".join(client.get(reverse("directory:export")).streaming_content).decode("utf-8-sig"),
    }


def test_owner_creates_from_the_organization_page_then_a_moderator_publishes(
    client, org, owner, moderator
):
    client.force_login(owner)
    # The Korean pages, whatever language an earlier test's request left active (reverse() and
    # get_absolute_url() follow it); the requests below then keep Korean active.
    with translation.override("ko"):
        organization_page = org.get_absolute_url()
        create = reverse("directory:edit", args=[org.slug])
    page = client.get(organization_page).content.decode()
    assert (
        "공유 서비스 목록에 안내 정보 만들기" in page
    )  # "Create your listing in the service directory"
    assert f'href="{create}"' in page

    response = client.post(create, {"summary_ko": "공구를 나눠요", "summary_en": "Tools"})
    assert response.status_code == 302
    listing = Listing.objects.get(organization=org)
    assert listing.moderation_status == ModerationStatus.PENDING
    services.create_service(actor=owner, organization=org, name_ko="공구 대여", name_en="Tools")

    # The member sees it and its state; nobody else finds it anywhere.
    assert client.get(reverse("directory:detail", args=[org.slug])).status_code == 200
    assert (
        reverse("directory:manage", args=[org.slug])
        in client.get(org.get_absolute_url()).content.decode()
    )
    client.logout()
    assert not any(_public_everywhere(client, listing).values())

    # It waits in the moderation queue.
    client.force_login(moderator)
    assert NAME in client.get(reverse("moderation:queue")).content.decode()
    moderation.publish(actor=moderator, obj=listing)
    client.logout()
    assert all(_public_everywhere(client, listing).values()), _public_everywhere(client, listing)


def test_staff_listing_is_public_at_once_and_edits_keep_a_published_listing_public(org, owner):
    staff = UserFactory(is_city_staff=True)
    listing = services.ensure_listing(actor=staff, organization=org)
    assert listing.moderation_status == ModerationStatus.PUBLISHED
    services.update_listing(actor=owner, organization=org, summary_ko="바뀐 소개")
    listing.refresh_from_db()
    assert listing.is_public


def test_a_rejected_listing_goes_back_to_review_when_edited(org, owner, moderator):
    listing = services.ensure_listing(actor=owner, organization=org)
    moderation.reject(actor=moderator, obj=listing, reason="소개가 비어 있어요")
    services.update_listing(actor=owner, organization=org, summary_ko="공구 도서관")
    listing.refresh_from_db()
    assert listing.moderation_status == ModerationStatus.PENDING


def test_member_api_patch_cannot_create_a_public_listing(client, org, owner):
    client.force_login(owner)
    services.update_listing(actor=owner, organization=org, summary_ko="소개")
    assert Listing.objects.get(organization=org).moderation_status == ModerationStatus.PENDING


def test_hidden_organization_hides_a_published_listing(org, owner, moderator):
    listing = services.ensure_listing(actor=owner, organization=org)
    moderation.publish(actor=moderator, obj=listing)
    assert selectors.public_listings().filter(pk=listing.pk).exists()
    moderation.hide(actor=moderator, obj=org, reason="신고 확인")
    assert not selectors.public_listings().filter(pk=listing.pk).exists()


@pytest.mark.parametrize("who", ["owner", "editor"])
def test_owners_and_editors_manage(client, org, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse("directory:manage", args=[org.slug])).status_code == 200
    response = client.post(
        reverse("directory:service_add", args=[org.slug]),
        {"name_ko": "자전거 수리", "price_type": "free", "order": 0},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_citizen_and_other_owner_may_not_manage(client, org):
    citizen = UserFactory()
    other_owner = UserFactory()
    MembershipFactory(organization=OrganizationFactory(), user=other_owner, role=MemberRole.OWNER)
    for user in (citizen, other_owner):
        client.force_login(user)
        for name in ("directory:manage", "directory:edit"):
            assert client.get(reverse(name, args=[org.slug])).status_code == 403
        response = client.post(
            reverse("directory:service_add", args=[org.slug]),
            {"name_ko": "x", "price_type": "free"},
        )
        assert response.status_code == 403
        page = client.get(org.get_absolute_url()).content.decode()
        assert reverse("directory:edit", args=[org.slug]) not in page
    assert not Listing.objects.filter(organization=org).exists()


def test_pending_listing_is_not_shown_to_citizens_on_the_organization_page(client, org, owner):
    services.ensure_listing(actor=owner, organization=org)
    client.force_login(UserFactory())
    page = client.get(org.get_absolute_url()).content.decode()
    assert 'id="org-listing-heading"' not in page
    assert client.get(reverse("directory:detail", args=[org.slug])).status_code == 404


def test_listing_and_organization_pages_link_to_each_other(client, org, owner, moderator):
    listing = services.ensure_listing(actor=owner, organization=org)
    moderation.publish(actor=moderator, obj=listing)
    detail = reverse("directory:detail", args=[org.slug])
    assert f'href="{detail}"' in client.get(org.get_absolute_url()).content.decode()
    assert f'href="{org.get_absolute_url()}"' in client.get(detail).content.decode()


def test_home_button_goes_to_the_services(client):
    page = client.get(reverse("core:home")).content.decode()
    hero = page[page.index('class="hero"') :]
    assert f'class="button" href="{reverse("directory:list")}"' in hero[: hero.index("</section>")]


def test_designated_filter_and_badge_right_after_a_designation(client, moderator):
    from sharehub.designation.tests.factories import designate, world

    organization, owner, _editor, staff = world()
    listing = services.ensure_listing(actor=owner, organization=organization)
    moderation.publish(actor=moderator, obj=listing)
    listed = reverse("directory:list") + "?designated=1"
    assert organization.slug not in client.get(listed).content.decode()

    designate(organization, owner, staff)

    assert organization.slug in client.get(listed).content.decode()
    assert [
        item["slug"]
        for item in client.get("/api/v1/directory/listings?designated=true").json()["results"]
    ] == [organization.slug]
    detail = client.get(reverse("directory:detail", args=[organization.slug])).content.decode()
    assert "designation-badge" in detail
