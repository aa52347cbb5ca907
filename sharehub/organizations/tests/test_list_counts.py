"""The organization list's total is kept between writes (core.counts) and never outlives one."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from sharehub.moderation import services as moderation
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations import services
from sharehub.places.tests.factories import DistrictFactory

from .factories import OrganizationFactory, organization_owned_by

pytestmark = pytest.mark.django_db(transaction=True)

API = "/api/v1/organizations"


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Each page is built, so its total is the one the view reads (not core.pagecache's copy)."""
    settings.PAGE_CACHE_SECONDS = 0


def total(client, query: str = "") -> int:
    """The page's and the API's total, which must agree."""
    page = client.get(f"/ko/organizations/?{query}").context["page"].paginator.count
    api = client.get(f"{API}?{query}").json()["count"]
    assert page == api
    return page


def counted(client, path: str) -> bool:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return any("COUNT(*)" in query["sql"] for query in captured.captured_queries)


def test_a_kept_total_is_read_not_counted(client):
    OrganizationFactory.create_batch(3)
    assert counted(client, "/ko/organizations/")
    assert not counted(client, "/ko/organizations/")
    assert not counted(client, API)
    assert counted(client, f"{API}?kind=community")
    # A name search counts each time (it reads the names anyway).
    assert counted(client, f"{API}?q=나눔")
    assert counted(client, f"{API}?q=나눔")


def test_total_follows_moderation_edits_and_deletion(client, moderator, user):
    mapo = DistrictFactory(slug="mapo")
    organizations = OrganizationFactory.create_batch(3, kind="cooperative")
    assert total(client) == 3
    assert total(client, "district=mapo") == 0
    assert total(client, "kind=cooperative") == 3

    moderation.hide(actor=moderator, obj=organizations[0], reason="Spam")
    assert total(client) == 2
    moderation.restore(actor=moderator, obj=organizations[0])
    assert total(client) == 3

    # An owner's edit of the district and the type (published at once, DESIGN §4).
    mine = organization_owned_by(user)
    assert total(client) == 4
    services.update_organization(actor=user, organization=mine, district=mapo, kind="community")
    assert total(client, "district=mapo") == 1
    assert total(client, "kind=community") == 1

    pending = OrganizationFactory(moderation_status=ModerationStatus.PENDING)
    assert total(client) == 4
    moderation.publish(actor=moderator, obj=pending)
    assert total(client) == 5

    organizations[1].delete()
    assert total(client) == 4


def test_a_rolled_back_write_keeps_the_count(client):
    OrganizationFactory.create_batch(2)
    assert total(client) == 2
    with pytest.raises(RuntimeError), transaction.atomic():
        OrganizationFactory()
        raise RuntimeError("the service failed")
    assert not counted(client, "/ko/organizations/")
    assert total(client) == 2
