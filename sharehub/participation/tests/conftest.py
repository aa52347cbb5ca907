import pytest
from allauth.account.models import EmailAddress

from sharehub.accounts.tests.factories import UserFactory

from .factories import PolicyAreaFactory, ProposalFactory


@pytest.fixture
def area(db):
    return PolicyAreaFactory()


@pytest.fixture
def author(db):
    return UserFactory()


@pytest.fixture
def proposal(db, area, author):
    return ProposalFactory(area=area, author=author)


@pytest.fixture
def unverified(db):
    person = UserFactory()
    EmailAddress.objects.filter(user=person).update(verified=False)
    return person


@pytest.fixture
def people(db):
    return [UserFactory() for _ in range(5)]
