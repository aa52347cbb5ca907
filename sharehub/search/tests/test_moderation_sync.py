"""A moderation decision brings the index in line once: from `moderation_changed`, not also from
the transition's own save."""

from __future__ import annotations

from unittest import mock

import pytest

from sharehub.accounts.tests.factories import UserFactory
from sharehub.directory.models import Listing
from sharehub.directory.tests.factories import ListingFactory
from sharehub.moderation import services as moderation
from sharehub.moderation.models import ModerationStatus
from sharehub.news.models import Article
from sharehub.news.tests.factories import ArticleFactory
from sharehub.organizations.models import Organization
from sharehub.organizations.tests.factories import OrganizationFactory
from sharehub.search import handlers

pytestmark = pytest.mark.django_db


@pytest.fixture
def syncs():
    with mock.patch.object(handlers, "sync_visibility", wraps=handlers.sync_visibility) as spy:
        yield spy


def test_a_decision_on_an_article_syncs_it_once(syncs):
    article = ArticleFactory(moderation_status=ModerationStatus.PENDING)
    moderation.publish(actor=UserFactory(is_moderator=True), obj=article)
    assert [call.args[0] for call in syncs.call_args_list] == [Article]


def test_a_decision_on_an_organization_syncs_each_follower_once(syncs):
    organization = OrganizationFactory()
    ListingFactory(organization=organization)
    moderation.hide(actor=UserFactory(is_moderator=True), obj=organization, reason="spam")
    synced = [call.args[0] for call in syncs.call_args_list]
    assert Organization not in synced or synced.count(Organization) == 1
    assert synced.count(Listing) == 1


def test_an_ordinary_save_still_syncs(syncs):
    listing = ListingFactory()
    listing.moderation_status = ModerationStatus.HIDDEN
    listing.save()
    assert syncs.call_count == 1
