import pytest
from django.utils import translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory


@pytest.fixture
def organization(db):
    return OrganizationFactory()


@pytest.fixture
def member(db, organization):
    """An editor of `organization`."""

    user = UserFactory()
    MembershipFactory(organization=organization, user=user, role=MemberRole.EDITOR)
    return user


@pytest.fixture
def other_member(db):
    """The owner of another organization."""

    user = UserFactory()
    MembershipFactory(organization=OrganizationFactory(), user=user, role=MemberRole.OWNER)
    return user


@pytest.fixture
def editor(city_staff):
    return city_staff


@pytest.fixture
def actors(user, member, other_member, editor, moderator):
    return {
        "anonymous": None,
        "citizen": user,
        "member": member,
        "other_member": other_member,
        "editor": editor,
        "moderator": moderator,
    }


@pytest.fixture(autouse=True)
def _korean():
    """Pages and feeds in Korean, the hub's default language (URLs reversed as /ko/…)."""

    with translation.override("ko"):
        yield
