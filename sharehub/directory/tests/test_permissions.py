"""URL × method × role → status, for every write of the directory (DESIGN §8)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sharehub.directory.suggestions import submit_suggestion
from sharehub.moderation.models import ModerationStatus

from .factories import ListingFactory, ServiceFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "member", "other_member", "moderator", "city_staff"]


@pytest.fixture
def actors(user, member, other_member, moderator, city_staff):
    return {
        "anonymous": None,
        "citizen": user,
        "member": member,
        "other_member": other_member,
        "moderator": moderator,
        "city_staff": city_staff,
    }


# (url name, needs service id, POST data) → expected status per role
WRITES = [
    (
        "directory:edit",
        False,
        {"summary_ko": "x"},
        {"citizen": 403, "member": 302, "other_member": 403, "moderator": 403, "city_staff": 302},
    ),
    (
        "directory:service_add",
        False,
        {"name_ko": "x", "price_type": "free", "order": 0},
        {"citizen": 403, "member": 302, "other_member": 403, "moderator": 403, "city_staff": 302},
    ),
    (
        "directory:service_delete",
        True,
        {},
        {"citizen": 403, "member": 302, "other_member": 403, "moderator": 403, "city_staff": 302},
    ),
    (
        "directory:address_add",
        False,
        {"address": "x"},
        {"citizen": 403, "member": 302, "other_member": 403, "moderator": 403, "city_staff": 302},
    ),
    (
        "directory:categories",
        None,
        {"slug": "new-cat", "name_ko": "새", "order": 1, "active": "on"},
        {"citizen": 403, "member": 403, "other_member": 403, "moderator": 403, "city_staff": 302},
    ),
    (
        "directory:suggest",
        None,
        {"name_ko": "새 단체"},
        {"citizen": 302, "member": 302, "other_member": 302, "moderator": 302, "city_staff": 302},
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,with_service,data,expected", WRITES)
def test_write_matrix(client, listing, actors, role, name, with_service, data, expected):
    if with_service is None:
        url = reverse(name)
    elif with_service:
        url = reverse(name, args=[listing.organization.slug, ServiceFactory(listing=listing).pk])
    else:
        url = reverse(name, args=[listing.organization.slug])
    actor = actors[role]
    if actor is not None:
        client.force_login(actor)
    response = client.get(url) if data is None else client.post(url, data)
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expected[role], (name, role, response.status_code)


def test_suggestion_page_visible_to_submitter_and_moderators_only(
    client, user, other_user, moderator, listing
):

    suggestion = submit_suggestion(
        actor=user, kind="correction", listing=listing, values={"phone": "02-123-4567"}
    )
    url = reverse("directory:suggestion", args=[suggestion.pk])
    for actor, status in ((user, 200), (moderator, 200), (other_user, 404)):
        client.force_login(actor)
        assert client.get(url).status_code == status


def test_unpublished_listing_is_404_for_strangers(client, user):

    hidden = ListingFactory(organization__moderation_status=ModerationStatus.PENDING)
    client.force_login(user)
    assert (
        client.get(reverse("directory:detail", args=[hidden.organization.slug])).status_code == 404
    )
    assert client.get(reverse("directory:edit", args=[hidden.organization.slug])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_export_is_public_and_read_only(client, listing, actors, role):
    """Anyone downloads the directory (public rows only: test_export); nobody posts to it."""
    if actors[role] is not None:
        client.force_login(actors[role])
    assert client.get(reverse("directory:export")).status_code == 200
    assert client.post(reverse("directory:export")).status_code == 405
