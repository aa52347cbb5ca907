"""The organization's page renders the sections the apps register, in order, in bounded queries."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from sharehub.core.org_sections import (
    org_sections,
    register_org_section,
    render_org_sections,
    unregister_org_section,
)
from sharehub.directory.tests.factories import ListingFactory, ServiceFactory
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.tests.factories import OrganizationFactory


def test_apps_register_their_sections_in_order():
    names = [section.name for section in org_sections()]
    assert names.index("directory") < names.index("events") < names.index("news")


def test_a_section_returning_none_is_left_out_and_context_gets_the_organization(db):
    template = "events/partials/org_section.html"
    register_org_section("test.none", template=template, context=lambda o, r: None, order=-2)
    register_org_section(
        "test.one", template=template, context=lambda o, r: {"events": []}, order=-1
    )
    try:
        organization = OrganizationFactory(moderation_status=ModerationStatus.PUBLISHED)
        request = RequestFactory().get("/")
        request.user = AnonymousUser()
        rendered = render_org_sections(organization, request)
        assert f"organizer={organization.slug}" in rendered[0]
        # The two test sections use one template: only the one with a context is rendered.
        assert sum("org-events-heading" in part for part in rendered) == 1
    finally:
        unregister_org_section("test.none")
        unregister_org_section("test.one")


@pytest.mark.django_db
def test_organization_page_queries_stay_bounded(client, django_assert_max_num_queries):
    def page_for(services: int) -> str:
        organization = OrganizationFactory(moderation_status=ModerationStatus.PUBLISHED)
        listing = ListingFactory(organization=organization)
        for _ in range(services):
            ServiceFactory(listing=listing)
        return organization.get_absolute_url()

    small, large = page_for(1), page_for(30)
    client.get(small)
    with django_assert_max_num_queries(14):
        response = client.get(large)
    assert response.status_code == 200
    assert "and 24 more services" in response.content.decode() or "24" in response.content.decode()
