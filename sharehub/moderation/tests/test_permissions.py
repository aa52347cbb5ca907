"""URL × method × role → status for every moderation page (pretix-style permission matrix)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from sharehub.moderation.models import ModerationStatus

from .factories import make_report

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "city_staff", "moderator"]


@pytest.fixture
def people(user, city_staff, moderator):
    return {"anonymous": None, "citizen": user, "city_staff": city_staff, "moderator": moderator}


@pytest.fixture
def objects(make_org, other_user):
    published = make_org(status=ModerationStatus.PUBLISHED)
    pending = make_org(status=ModerationStatus.PENDING)
    rejected = make_org(status=ModerationStatus.REJECTED, author=other_user)
    content_type = ContentType.objects.get_for_model(published).pk
    return {
        "ct": content_type,
        "published": published,
        "pending": pending,
        "rejected": rejected,
        "report": make_report(obj=published, reporter=other_user),
    }


def url_for(name: str, objects) -> str:
    ct = objects["ct"]
    return {
        "queue": "/ko/moderation/",
        "queue_reports": "/ko/moderation/?section=reports",
        "queue_type": f"/ko/moderation/?type={ct}",
        "decide": f"/ko/moderation/decide/{ct}/{objects['pending'].pk}/",
        "decide_report": f"/ko/moderation/reports/{objects['report'].pk}/",
        "report_published": f"/ko/moderation/report/{ct}/{objects['published'].pk}/",
        "report_pending": f"/ko/moderation/report/{ct}/{objects['pending'].pk}/",
        "resubmit": f"/ko/moderation/resubmit/{ct}/{objects['rejected'].pk}/",
    }[name]


POST_DATA = {
    "decide": {"action": "publish"},
    "decide_report": {"action": "dismiss"},
    "report_published": {"reason": "spam"},
    "report_pending": {"reason": "spam"},
    "resubmit": {},
}

# (url, method) → expected status per role, in ROLES order. 302 for the anonymous is the login redirect.
MATRIX = [
    ("queue", "get", [302, 403, 403, 200]),
    ("queue_reports", "get", [302, 403, 403, 200]),
    ("queue_type", "get", [302, 403, 403, 200]),
    ("decide", "get", [302, 405, 405, 405]),
    ("decide", "post", [302, 403, 403, 302]),
    ("decide_report", "post", [302, 403, 403, 302]),
    ("report_published", "get", [302, 200, 200, 200]),
    ("report_published", "post", [302, 302, 302, 302]),
    ("report_pending", "get", [302, 404, 404, 404]),
    ("report_pending", "post", [302, 404, 404, 404]),
    ("resubmit", "post", [302, 403, 403, 403]),  # none of them is the author
]


@pytest.mark.parametrize(("name", "method", "expected"), MATRIX)
def test_permission_matrix(name, method, expected, client, people, objects):
    for role, status in zip(ROLES, expected, strict=True):
        client.logout()
        if people[role] is not None:
            client.force_login(people[role])
        url = url_for(name, objects)
        response = (
            client.post(url, POST_DATA.get(name, {})) if method == "post" else client.get(url)
        )
        assert response.status_code == status, (role, name, method, response.status_code)
        if status == 302 and role == "anonymous":
            assert "/accounts/login/" in response["Location"]


def test_author_may_resubmit(client, objects, other_user):
    client.force_login(other_user)
    response = client.post(url_for("resubmit", objects))
    assert response.status_code == 302
    objects["rejected"].refresh_from_db()
    assert objects["rejected"].moderation_status == ModerationStatus.PENDING


def test_forbidden_decisions_change_nothing(client, people, objects):
    for role in ("citizen", "city_staff"):
        client.force_login(people[role])
        client.post(url_for("decide", objects), {"action": "publish"})
        client.post(url_for("decide_report", objects), {"action": "dismiss"})
    objects["pending"].refresh_from_db()
    objects["report"].refresh_from_db()
    assert objects["pending"].moderation_status == ModerationStatus.PENDING
    assert objects["report"].resolved_at is None


@pytest.mark.parametrize(
    "path",
    [
        "/ko/moderation/report/{ct}/999999/",  # missing object
        "/ko/moderation/report/{user_ct}/{user_pk}/",  # a model that is not moderated
        "/ko/moderation/report/999999/1/",  # no such content type
        "/ko/moderation/report/{ct}/not-a-number/",
        "/ko/moderation/decide/{user_ct}/{user_pk}/",
        "/ko/moderation/?type={user_ct}",
        "/ko/moderation/?type=abc",
        "/ko/moderation/reports/999999/",
    ],
)
def test_unknown_objects_are_404(path, client, moderator, objects):
    client.force_login(moderator)
    user_ct = ContentType.objects.get_for_model(moderator).pk
    url = path.format(ct=objects["ct"], user_ct=user_ct, user_pk=moderator.pk)
    response = (
        client.post(url, {"action": "publish", "reason": "spam"})
        if "/decide/" in url or "/reports/" in url
        else client.get(url)
    )
    assert response.status_code == 404
