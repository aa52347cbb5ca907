"""The staff workspace: each role sees its own queues with counts that match them, and its
tools; every link works for that role; others are refused."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sharehub.accounts.tests.factories import UserFactory, give_totp
from sharehub.events.models import Registration, RegistrationStatus
from sharehub.events.tests.factories import EventFactory
from sharehub.moderation.models import ModerationStatus
from sharehub.news.models import ArticleStatus
from sharehub.news.tests.factories import ArticleFactory
from sharehub.newsletters.models import Campaign
from sharehub.newsletters.tests.factories import CampaignFactory
from sharehub.notifications.models import OutboundEmail
from sharehub.notifications.tests.factories import OutboundEmailFactory
from sharehub.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

URL = "/ko/workspace/"


def cards(response) -> dict[str, int]:
    """{link: count} of the queue cards on the page."""
    html = response.content.decode()
    found = re.findall(
        r'<h3><a href="([^"]+)">[^<]*</a></h3>\s*<p class="workspace-count"><strong>(\d+)</strong>',
        html,
    )
    return {href: int(count) for href, count in found}


def tools(response) -> list[str]:
    html = response.content.decode()
    section = html.split('id="tools-heading"', 1)[1] if 'id="tools-heading"' in html else ""
    return re.findall(r'<li><a href="([^"]+)">', section)


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_citizen_has_no_workspace(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


def test_a_moderator_sees_the_moderation_queue_counted(client, moderator):
    OrganizationFactory.create_batch(2, moderation_status=ModerationStatus.PENDING)
    OrganizationFactory(moderation_status=ModerationStatus.PUBLISHED)
    ArticleFactory(moderation_status=ModerationStatus.PENDING)
    client.force_login(moderator)
    response = client.get(URL)
    assert response.status_code == 200
    assert cards(response) == {
        reverse("moderation:queue"): 3,
        reverse("organizations:name_changes"): 0,
    }
    assert tools(response) == []


def test_city_staff_see_their_queues_counted_and_their_tools(client, city_staff):
    ArticleFactory.create_batch(2, status=ArticleStatus.REVIEW)
    ArticleFactory(status=ArticleStatus.DRAFT)
    CampaignFactory(status=Campaign.Status.SENDING)
    CampaignFactory(status=Campaign.Status.DRAFT)
    OutboundEmailFactory.create_batch(3, status=OutboundEmail.Status.FAILED)
    OutboundEmailFactory(status=OutboundEmail.Status.SENT)
    event = EventFactory()
    past = EventFactory()
    for user in UserFactory.create_batch(2):
        Registration.objects.create(event=event, user=user, status=RegistrationStatus.PENDING)
    Registration.objects.create(event=past, user=UserFactory(), status=RegistrationStatus.CONFIRMED)
    client.force_login(city_staff)
    response = client.get(URL)
    assert cards(response) == {
        reverse("designation:queue"): 0,
        reverse("designation:reports_queue"): 0,
        reverse("organizations:name_changes"): 0,
        reverse("news:desk"): 2,
        reverse("events:manage_list"): 2,
        reverse("newsletters:manage"): 1,
        reverse("notifications:outbox"): 3,
        reverse("participation:city_queue"): 0,
        reverse("programmes:screening"): 0,
        reverse("programmes:committee_queue"): 0,
        reverse("programmes:reports"): 0,
    }
    assert set(tools(response)) >= {
        reverse("directory:import"),
        reverse("directory:categories"),
        reverse("news:pages"),
        reverse("events:create"),
        reverse("newsletters:topics"),
        reverse("designation:setup"),
    }


def test_every_link_works_for_its_role(client, city_staff, moderator):
    for user in (city_staff, moderator):
        client.force_login(user)
        response = client.get(URL)
        for href in [*cards(response), *tools(response)]:
            assert client.get(href).status_code == 200, (user, href)


def test_the_header_links_the_workspace_for_its_roles_only(client, city_staff):
    client.force_login(UserFactory())
    assert URL not in client.get("/ko/").content.decode()
    client.force_login(city_staff)
    assert f'href="{URL}"' in client.get("/ko/").content.decode()


def test_the_page_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    administrator = give_totp(UserFactory(is_superuser=True, is_staff=True))
    OrganizationFactory.create_batch(5, moderation_status=ModerationStatus.PENDING)
    client.force_login(administrator)
    client.get(URL)
    # One count per registered queue (and its overdue count), whatever the data: the bound grows
    # with the apps, never with the rows.
    with django_assert_max_num_queries(29):
        assert client.get(URL).status_code == 200
