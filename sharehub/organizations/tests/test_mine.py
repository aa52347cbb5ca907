"""'My organizations': the person's memberships, from the user menu (issue 12, section 5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.models import MemberRole

from .factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_my_organizations_lists_mine_with_what_i_may_do(client, user, other_user):
    owned = OrganizationFactory(name_ko="내 협동조합")
    pending = OrganizationFactory(
        name_ko="심사 중인 모임", moderation_status=ModerationStatus.PENDING
    )
    member_of = OrganizationFactory(name_ko="회원인 단체")
    others = OrganizationFactory(name_ko="남의 단체")
    MembershipFactory(organization=owned, user=user, role=MemberRole.OWNER)
    MembershipFactory(organization=pending, user=user, role=MemberRole.OWNER)
    MembershipFactory(organization=member_of, user=user, role=MemberRole.EDITOR)
    MembershipFactory(organization=others, user=other_user, role=MemberRole.OWNER)
    url = reverse("organizations:mine")
    assert client.get(url).status_code == 302

    client.force_login(user)
    page = client.get(url).content.decode()
    assert "내 협동조합" in page and "심사 중인 모임" in page and "회원인 단체" in page
    assert "남의 단체" not in page
    for organization in (owned, pending, member_of):
        assert reverse("organizations:edit", args=[organization.slug]) in page
    assert reverse("organizations:edit", args=[others.slug]) not in page
    assert page.count('class="tag warning"') == 1  # the one waiting for review says so


def test_mine_is_never_an_organization_address(user):
    from sharehub.organizations import services

    organization = services.create_organization(
        actor=user, name_en="Mine", kind="community", name_ko="마인"
    )
    assert organization.slug != "mine"
