import pytest

from sharehub.accounts.tests.factories import UserFactory
from sharehub.organizations.models import MemberRole
from sharehub.organizations.tests.factories import MembershipFactory

from .factories import ListingFactory


@pytest.fixture
def listing(db):
    return ListingFactory()


@pytest.fixture
def member(db, listing):
    """An editor of the listing's organization."""

    user = UserFactory()
    MembershipFactory(organization=listing.organization, user=user, role=MemberRole.EDITOR)
    return user


@pytest.fixture
def other_member(db):
    """A member of another organization."""

    user = UserFactory()
    other = ListingFactory()
    MembershipFactory(organization=other.organization, user=user, role=MemberRole.OWNER)
    return user
