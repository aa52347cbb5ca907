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
