import pytest

from sharehub.accounts.tests.factories import UserFactory
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory, OrganizationFactory

from .factories import EventFactory


@pytest.fixture
def organization(db):
    return OrganizationFactory()


@pytest.fixture
def organizer(db, organization):
    """An editor of the organizing organization."""
    user = UserFactory()
    MembershipFactory(organization=organization, user=user, role=MemberRole.EDITOR)
    return user


@pytest.fixture
def other_member(db):
    """An owner of another organization."""
    user = UserFactory()
    MembershipFactory(organization=OrganizationFactory(), user=user, role=MemberRole.OWNER)
    return user


@pytest.fixture
def event(db, organization):
    return EventFactory(organization=organization)
