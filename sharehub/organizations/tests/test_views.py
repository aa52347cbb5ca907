from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from sharehub.accounts.tests.factories import REQUIRED_CONSENTS, UserFactory
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations import services
from sharehub.organizations.invitations import make_token
from sharehub.organizations.models import Invitation, MemberRole, Membership, Organization
from sharehub.places.tests.factories import DistrictFactory

from .factories import MembershipFactory, OrganizationFactory, image_bytes, organization_owned_by

pytestmark = pytest.mark.django_db


def url(name: str, lang: str = "en", **kwargs) -> str:
    with translation.override(lang):
        return reverse(f"organizations:{name}", kwargs=kwargs)


def text(response) -> str:
    return response.content.decode()


# --- list ------------------------------------------------------------------------------------


def test_list_shows_published_only_with_filters(client):
    gangnam, mapo = DistrictFactory(slug="gangnam"), DistrictFactory(slug="mapo")
    OrganizationFactory(
        name_ko="공구 도서관", name_en="Tool Library", district=gangnam, kind="cooperative"
    )
    OrganizationFactory(
        name_ko="마을 부엌", name_en="Village Kitchen", district=mapo, kind="community"
    )
    OrganizationFactory(
        name_ko="비밀 단체", name_en="Secret", moderation_status=ModerationStatus.PENDING
    )
    page = text(client.get(url("list")))
    assert "Tool Library" in page and "Village Kitchen" in page and "Secret" not in page
    assert "Tool Library" in text(client.get(url("list"), {"q": "tool"}))
    assert "Village Kitchen" not in text(client.get(url("list"), {"q": "tool"}))
    assert "공구 도서관" in text(client.get(url("list", "ko"), {"q": "도서"}))
    by_district = text(client.get(url("list"), {"district": "mapo"}))
    assert "Village Kitchen" in by_district and "Tool Library" not in by_district
    by_kind = text(client.get(url("list"), {"kind": "cooperative"}))
    assert "Tool Library" in by_kind and "Village Kitchen" not in by_kind


def test_list_paginates_and_keeps_filters_in_links(client):
    for n in range(25):
        OrganizationFactory(name_ko=f"단체 {n:02d}", kind="community")
    response = client.get(url("list"), {"kind": "community"})
    assert "kind=community&amp;page=2" in text(response)
    assert len(response.context["page"].object_list) == 20
    assert (
        len(client.get(url("list"), {"kind": "community", "page": "2"}).context["page"].object_list)
        == 5
    )
    assert client.get(url("list"), {"page": "junk"}).status_code == 200


def test_htmx_asks_for_the_results_only(client):
    OrganizationFactory(name_en="Tool Library")
    response = client.get(url("list"), {"q": "tool"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in text(response) and 'id="results"' in text(response)
    assert "Tool Library" in text(response)


@pytest.mark.parametrize(("lang", "button"), [("ko", "단체 만들기"), ("en", "Create organization")])
def test_list_offers_to_create_in_both_languages(client, lang, button):
    assert button in text(client.get(url("list", lang)))


@pytest.mark.parametrize("rows", [3, 30])
def test_list_page_query_count_is_bounded(client, user, django_assert_max_num_queries, rows):
    district = DistrictFactory()
    for _ in range(rows):
        OrganizationFactory(district=district)
    client.force_login(user)
    client.get(url("list"))  # the first request counts and keeps the total (core.counts)
    # 6 for the page, and the header's workspace link asks three apps whose workers are not a
    # role (committee members, spaces' staff, calls' staff and reviewers): one query each per
    # request, whatever the rows.
    with django_assert_max_num_queries(9):
        assert client.get(url("list")).status_code == 200


# --- detail ----------------------------------------------------------------------------------


def test_detail_shows_facts_and_keeps_text_as_text(client):
    district = DistrictFactory(slug="jongno", name_en="Jongno-gu")
    organization = OrganizationFactory(
        district=district,
        website="https://example.org",
        email="hello@example.org",
        phone="02-123-4567",
        address="종로 1",
        description_en='<script>alert("x")</script>\n\nSecond paragraph 🚲',
    )
    page = text(client.get(url("detail", slug=organization.slug)))
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "<p>Second paragraph 🚲</p>" in page
    assert reverse("places:detail", kwargs={"slug": "jongno"}) in page
    assert 'href="https://example.org"' in page and "mailto:hello@example.org" in page
    assert "Only members see this list." not in page


@pytest.mark.parametrize(
    "status", [ModerationStatus.PENDING, ModerationStatus.REJECTED, ModerationStatus.HIDDEN]
)
def test_unpublished_organization_is_not_found_for_strangers(client, user, other_user, status):
    organization = organization_owned_by(user, moderation_status=status)
    assert client.get(url("detail", slug=organization.slug)).status_code == 404
    client.force_login(other_user)
    assert client.get(url("detail", slug=organization.slug)).status_code == 404


def test_members_see_their_pending_organization_with_a_notice(client, user):
    organization = organization_owned_by(user, moderation_status=ModerationStatus.PENDING)
    client.force_login(user)
    page = text(client.get(url("detail", slug=organization.slug)))
    assert "Waiting for review" in page and "Only members see this list." in page


def test_members_see_the_rejection_reason(client, user):
    organization = organization_owned_by(
        user, moderation_status=ModerationStatus.REJECTED, moderation_reason="주소가 없습니다 <b>"
    )
    client.force_login(user)
    page = text(client.get(url("detail", slug=organization.slug)))
    assert "Not accepted" in page and "주소가 없습니다 &lt;b&gt;" in page


def test_moderators_and_city_staff_see_pending_organizations(client, user, moderator, city_staff):
    organization = organization_owned_by(user, moderation_status=ModerationStatus.PENDING)
    for person in (moderator, city_staff):
        client.force_login(person)
        assert client.get(url("detail", slug=organization.slug)).status_code == 200


def test_korean_slug_works_in_urls(client, user):
    client.force_login(user)
    organization = services.create_organization(actor=user, name_ko="마을 부엌", kind="community")
    assert client.get(organization.get_absolute_url()).status_code == 200


# --- create and edit -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("ko", ["단체 만들기", "한국어 이름", "영어 이름", "유형", "자치구", "로고"]),
        (
            "en",
            [
                "Create organization",
                "Name in Korean",
                "Name in English",
                "Type",
                "District",
                "Logo",
            ],
        ),
    ],
)
def test_create_form_is_labelled_in_both_languages(client, user, lang, words):
    client.force_login(user)
    page = text(client.get(url("create", lang)))
    for word in words:
        assert word in page
    assert 'for="id_name_ko"' in page and 'enctype="multipart/form-data"' in page


def test_create_requires_login(client):
    response = client.get(url("create"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_create_with_logo_redirects_to_the_new_page(client, user):
    client.force_login(user)
    district = DistrictFactory()
    response = client.post(
        url("create"),
        {
            "name_ko": "나눔 🚲 Share",
            "name_en": "Bike Share",
            "kind": "community",
            "district": district.pk,
            "website": "https://bike.example.org",
            "logo": SimpleUploadedFile("logo.png", image_bytes(), content_type="image/png"),
        },
    )
    organization = Organization.objects.get()
    assert response.status_code == 302 and response["Location"] == organization.get_absolute_url()
    assert organization.name_ko == "나눔 🚲 Share" and organization.logo
    assert organization.moderation_status == ModerationStatus.PENDING
    follow = client.get(response["Location"])
    assert "reviewed" in text(follow)


def test_create_with_bad_input_shows_field_errors(client, user):
    client.force_login(user)
    response = client.post(
        url("create"),
        {
            "name_ko": "",
            "kind": "cooperative",
            "website": "nope",
            "email": "nope",
            "logo": SimpleUploadedFile("logo.png", b"not an image", content_type="image/png"),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"name_ko", "website", "email"} <= set(errors)
    assert not Organization.objects.exists()


def test_fake_logo_gets_a_field_error(client, user):
    client.force_login(user)
    response = client.post(
        url("create"),
        {
            "name_ko": "좋은 단체",
            "kind": "cooperative",
            "logo": SimpleUploadedFile("x.png", b"text", content_type="image/png"),
        },
    )
    assert response.status_code == 200
    assert "logo" in response.context["form"].errors
    assert not Organization.objects.exists()


def test_over_long_name_is_refused_in_korean(client, user):
    client.force_login(user)
    response = client.post(url("create", "ko"), {"name_ko": "가" * 121, "kind": "cooperative"})
    assert response.status_code == 200
    assert "120" in response.context["form"].errors["name_ko"][0]


def test_owner_edits_and_removes_the_logo(client, user):
    organization = services.create_organization(
        actor=user,
        name_ko="처음",
        kind="cooperative",
        logo=SimpleUploadedFile("l.png", image_bytes(), content_type="image/png"),
    )
    client.force_login(user)
    assert client.get(url("edit", slug=organization.slug)).status_code == 200
    response = client.post(
        url("edit", slug=organization.slug),
        {"name_ko": "바뀐 이름", "kind": "community", "remove_logo": "on"},
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert (
        organization.name_ko == "바뀐 이름"
        and organization.kind == "community"
        and not organization.logo
    )


# --- members page ------------------------------------------------------------------------------


def test_members_page_lists_members_invitations_and_history(client, user, other_user):
    organization = organization_owned_by(user)
    MembershipFactory(organization=organization, user=other_user)
    services.invite_member(actor=user, organization=organization, email="friend@example.org")
    client.force_login(user)
    page = text(client.get(url("members", slug=organization.slug)))
    assert other_user.public_name in page and "friend@example.org" in page
    assert "Send invitation" in page and "invited friend@example.org as Editor" in page


def test_editors_see_members_and_history_without_invitations(client, user, other_user):
    organization = organization_owned_by(user)
    MembershipFactory(organization=organization, user=other_user)
    services.invite_member(actor=user, organization=organization, email="friend@example.org")
    client.force_login(other_user)
    page = text(client.get(url("members", slug=organization.slug)))
    assert user.public_name in page
    assert "friend@example.org" not in page and "Send invitation" not in page
    assert "sent an invitation (Editor)" in page


@pytest.mark.parametrize(("lang", "button"), [("ko", "초대 보내기"), ("en", "Send invitation")])
def test_invite_by_form_sends_the_mail(
    client, user, django_capture_on_commit_callbacks, lang, button
):
    organization = organization_owned_by(user)
    client.force_login(user)
    assert button in text(client.get(url("members", lang, slug=organization.slug)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("invite", lang, slug=organization.slug),
            {"email": "friend@example.org", "role": "editor"},
        )
    assert response.status_code == 302
    assert Invitation.objects.filter(organization=organization, email="friend@example.org").exists()
    assert len(mail.outbox) == 1
    assert f"/{lang}/organizations/invitations/" in mail.outbox[0].body


def test_invite_with_a_bad_address_shows_the_error(client, user):
    organization = organization_owned_by(user)
    client.force_login(user)
    response = client.post(
        url("invite", slug=organization.slug), {"email": "not-an-email", "role": "editor"}
    )
    assert response.status_code == 400
    assert "email" in response.context["invite_form"].errors
    assert not Invitation.objects.exists()


def test_owner_revokes_changes_role_transfers_and_removes(client, user, other_user):
    organization = organization_owned_by(user)
    MembershipFactory(organization=organization, user=other_user)
    third = MembershipFactory(organization=organization).user
    invitation = services.invite_member(
        actor=user, organization=organization, email="x@example.org"
    )
    client.force_login(user)
    client.post(url("revoke_invitation", slug=organization.slug, invitation_id=invitation.pk))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    client.post(url("remove_member", slug=organization.slug, user_id=third.pk))
    client.post(
        url("change_role", slug=organization.slug, user_id=other_user.pk), {"role": "owner"}
    )
    assert (
        Membership.objects.get(organization=organization, user=other_user).role == MemberRole.OWNER
    )
    client.post(
        url("change_role", slug=organization.slug, user_id=other_user.pk), {"role": "editor"}
    )
    client.post(url("transfer_ownership", slug=organization.slug, user_id=other_user.pk))
    roles = dict(
        Membership.objects.filter(organization=organization).values_list("user_id", "role")
    )
    assert roles == {user.pk: MemberRole.EDITOR, other_user.pk: MemberRole.OWNER}


def test_last_owner_leaving_gets_a_message_not_an_error_page(client, user):
    organization = organization_owned_by(user)
    client.force_login(user)
    response = client.post(url("leave", slug=organization.slug), follow=True)
    assert response.status_code == 200
    assert "at least one owner" in text(response)
    assert Membership.objects.filter(organization=organization, user=user).exists()


def test_editor_leaves(client, user, other_user):
    organization = organization_owned_by(user)
    MembershipFactory(organization=organization, user=other_user)
    client.force_login(other_user)
    response = client.post(url("leave", slug=organization.slug))
    assert response.status_code == 302 and response["Location"] == organization.get_absolute_url()
    assert not Membership.objects.filter(organization=organization, user=other_user).exists()


def test_member_actions_refuse_get(client, user):
    organization = organization_owned_by(user)
    client.force_login(user)
    assert client.get(url("leave", slug=organization.slug)).status_code == 405


# --- accepting ---------------------------------------------------------------------------------


@pytest.fixture
def invitation(user):
    organization = organization_owned_by(user, name_en="Tool Library")
    return services.invite_member(
        actor=user, organization=organization, email="newcomer@example.org"
    )


def test_visitor_without_account_is_sent_to_sign_up_and_back(client, invitation):
    accept = url("accept_invitation", token=make_token(invitation))
    page = text(client.get(accept))
    assert "Tool Library" in page and "newcomer@example.org" in page
    signup = re.search(r'href="([^"]*/accounts/signup/\?next=[^"]*)"', page).group(1)
    assert unquote(signup.split("?next=", 1)[1]) == accept
    response = client.post(accept)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_new_person_signs_up_verifies_and_comes_back_to_accept(
    client, invitation, django_capture_on_commit_callbacks
):
    from sharehub.notifications.models import OutboundEmail

    accept = url("accept_invitation", token=make_token(invitation))
    password = "a-long-pass-phrase-42"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{url('list').replace('/organizations/', '/accounts/signup/')}?next={accept}",
            {
                "email": "newcomer@example.org",
                "password1": password,
                "password2": password,
                "preferred_language": "en",
                **REQUIRED_CONSENTS,
                "next": accept,
            },
        )
    assert response.status_code == 302
    confirmation = OutboundEmail.objects.filter(kind__contains="confirm").get(
        to=["newcomer@example.org"]
    )
    link = re.search(r"/en/accounts/confirm-email/[^\s]+/", confirmation.body_text).group(0)
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == accept
    response = client.post(accept)
    assert response.status_code == 302
    assert Membership.objects.filter(
        organization=invitation.organization, user__email="newcomer@example.org"
    ).exists()


def test_invitee_accepts_on_the_page(client, invitation):
    invitee = UserFactory(email="newcomer@example.org")
    client.force_login(invitee)
    accept = url("accept_invitation", token=make_token(invitation))
    assert "Accept the invitation" in text(client.get(accept))
    response = client.post(accept)
    assert (
        response.status_code == 302
        and response["Location"] == invitation.organization.get_absolute_url()
    )
    assert Membership.objects.filter(
        organization=invitation.organization, user=invitee, role=MemberRole.EDITOR
    ).exists()


def test_someone_else_is_told_the_invitation_is_not_theirs(client, other_user, invitation):
    client.force_login(other_user)
    accept = url("accept_invitation", token=make_token(invitation))
    page = text(client.get(accept))
    assert "Accept the invitation" not in page and "newcomer@example.org" in page
    response = client.post(accept)
    assert response.status_code == 403
    assert not Membership.objects.filter(
        user=other_user, organization=invitation.organization
    ).exists()


def test_bad_expired_and_used_links(client, invitation):
    assert client.get(url("accept_invitation", token="1:forged:token")).status_code == 404
    token = make_token(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timezone.timedelta(seconds=1)
    )
    response = client.get(url("accept_invitation", token=token))
    assert response.status_code == 410 and "expired" in text(response)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() + timezone.timedelta(days=1), accepted_at=timezone.now()
    )
    assert client.get(url("accept_invitation", token=token)).status_code == 410


def test_list_shows_a_bad_filter_and_applies_the_others(client):
    DistrictFactory(slug="mapo")
    OrganizationFactory(name_en="Tool Library", kind="cooperative")
    OrganizationFactory(name_en="Village Kitchen", kind="community")
    response = client.get(url("list"), {"district": "atlantis", "kind": "community"})
    assert response.status_code == 200
    page = text(response)
    assert "Village Kitchen" in page and "Tool Library" not in page
    assert response.context["filter_form"].errors["district"]
