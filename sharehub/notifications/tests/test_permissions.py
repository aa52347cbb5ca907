"""URL × method × role → status for the notification pages."""

from __future__ import annotations

import pytest

from .factories import NotificationFactory, OutboundEmailFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "moderator", "city_staff"]

MATRIX = [
    ("/ko/notifications/", "get", [302, 200, 200, 200]),
    ("/ko/notifications/preferences/", "get", [302, 200, 200, 200]),
    ("/ko/notifications/preferences/", "post", [302, 302, 302, 302]),
    ("/ko/notifications/read-all/", "post", [302, 302, 302, 302]),
    ("/ko/notifications/read-all/", "get", [302, 405, 405, 405]),
    (
        "/ko/notifications/{mine}/read/",
        "post",
        [302, 302, 404, 404],
    ),  # the citizen's own notification
    ("/ko/notifications/outbox/", "get", [302, 403, 403, 200]),
    ("/ko/notifications/outbox/{mail}/", "get", [302, 403, 403, 200]),
    ("/ko/notifications/outbox/999999/", "get", [302, 403, 403, 404]),
]


@pytest.mark.parametrize(("path", "method", "expected"), MATRIX)
def test_permission_matrix(path, method, expected, client, user, moderator, city_staff):
    people = {"anonymous": None, "citizen": user, "moderator": moderator, "city_staff": city_staff}
    url = path.format(mine=NotificationFactory(user=user).pk, mail=OutboundEmailFactory().pk)
    for role, status in zip(ROLES, expected, strict=True):
        client.logout()
        if people[role] is not None:
            client.force_login(people[role])
        response = client.post(url) if method == "post" else client.get(url)
        assert response.status_code == status, (role, url, method, response.status_code)
        if role == "anonymous":
            assert "/accounts/login/" in response["Location"]


def test_marking_someone_elses_notification_changes_nothing(client, user, other_user):
    theirs = NotificationFactory(user=other_user)
    client.force_login(user)
    assert client.post(f"/ko/notifications/{theirs.pk}/read/").status_code == 404
    client.post("/ko/notifications/read-all/")
    theirs.refresh_from_db()
    assert theirs.read_at is None
