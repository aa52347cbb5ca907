import pytest

from sharehub.accounts.models import User
from sharehub.core.demo import DEMO_ACCOUNTS, load_demo
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.models import Membership, Organization
from sharehub.places.models import District


@pytest.mark.django_db
def test_demo_loads_the_real_data_and_twice_changes_nothing():
    first = load_demo()
    assert (first.districts_created, first.users_created, first.organizations_created) == (
        25,
        len(DEMO_ACCOUNTS),
        41,
    )
    snapshot = (
        District.objects.count(),
        User.objects.count(),
        Organization.objects.count(),
        Membership.objects.count(),
    )
    second = load_demo()
    assert first.listings_created == 41
    assert (
        second.districts_created,
        second.users_created,
        second.organizations_created,
        second.listings_created,
    ) == (0, 0, 0, 0)
    assert snapshot == (
        District.objects.count(),
        User.objects.count(),
        Organization.objects.count(),
        Membership.objects.count(),
    )

    assert Organization.objects.exclude(moderation_status=ModerationStatus.PUBLISHED).count() == 0
    open_closet = Organization.objects.get(name_en="Open Closet")
    assert open_closet.district.name_en == "Gwangjin-gu"
    assert open_closet.source.startswith("http")
    assert (
        Membership.objects.get(organization=open_closet, role="owner").user.email
        == "member@sharehub.example"
    )
    assert District.objects.get(code="11110").name_ko == "종로구"
