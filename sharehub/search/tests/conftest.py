from __future__ import annotations

import pytest

from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.models import Organization
from sharehub.organizations.tests.factories import OrganizationFactory
from sharehub.search.documents import SearchDocument
from sharehub.search.registry import register_searchable, unregister_searchable
from sharehub.search.services import index_object

from .corpus import DOCUMENTS


def organization_document(organization: Organization) -> SearchDocument:
    return SearchDocument(
        title=f"{organization.name_ko} {organization.name_en or ''}".strip(),
        body=f"{organization.description_ko or ''}\n{organization.description_en or ''}",
    )


@pytest.fixture
def searchable_organizations(db):
    """Organization made searchable for this test only (the directory registers Listing for real)."""
    register_searchable(
        Organization,
        document=organization_document,
        public=lambda: Organization.objects.filter(moderation_status=ModerationStatus.PUBLISHED),
        state_fields=["moderation_status"],
    )
    yield Organization
    unregister_searchable(Organization)


@pytest.fixture
def moderated_organizations(db):
    """Organization searchable with no `state_fields`: only the moderation app's signal
    (`moderation_changed`) can tell the index about a decision."""
    register_searchable(
        Organization,
        document=organization_document,
        public=lambda: Organization.objects.filter(moderation_status=ModerationStatus.PUBLISHED),
    )
    yield Organization
    unregister_searchable(Organization)


@pytest.fixture
def corpus(searchable_organizations) -> dict[str, Organization]:
    """The labelled documents as indexed organizations, by key."""
    organizations = {}
    for key, name_ko, name_en, description_ko, description_en in DOCUMENTS:
        organization = OrganizationFactory(
            slug=key,
            name_ko=name_ko,
            name_en=name_en,
            description_ko=description_ko,
            description_en=description_en,
        )
        index_object(organization)
        organizations[key] = organization
    return organizations


@pytest.fixture(scope="module")
def demo_hub(django_db_setup, django_db_blocker):
    """The demo hub (districts, the 41 real organizations and their listings, events, articles)
    loaded once for a module, inside a transaction rolled back after it; each test runs in its
    own savepoint within (request `db` too). Marked as the test case's own, so durable services
    called by a test still run."""
    from django.db import transaction

    from sharehub.core.demo import DemoRun, demo_loaders

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # type: ignore[attr-defined]
        outer.__enter__()
        try:
            run = DemoRun()
            for loader in demo_loaders():
                if loader.name in DEMO_PARTS:
                    with transaction.atomic():
                        run.created[loader.name] = loader.load(run)
            yield run
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# What the natural queries search: the newsletters' demo is not needed.
DEMO_PARTS = {"places", "accounts", "organizations", "directory", "events", "news", "search"}
