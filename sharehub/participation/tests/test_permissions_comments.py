"""The permission matrix of the comments part's writes: each write × each role → allowed or
refused (PermissionDenied or a ValidationError), checked on the services (the page and the API
call the same ones) and, for the pages, that a refusal never writes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError

from sharehub.accounts.tests.factories import UserFactory, give_totp
from sharehub.moderation import services as moderation
from sharehub.moderation.models import Report
from sharehub.participation.models import Comment, Follow
from sharehub.participation.services import comments as services

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "unverified", "citizen", "author", "commenter", "moderator", "city_staff"]


def _world() -> dict:
    author = UserFactory()
    commenter = UserFactory()
    proposal = ProposalFactory(author=author)
    comment = services.create_comment(actor=commenter, proposal=proposal, body="처음 의견")
    unverified = UserFactory()
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    proposal.refresh_from_db()
    return {
        "proposal": proposal,
        "comment": comment,
        "anonymous": None,
        "unverified": unverified,
        "citizen": UserFactory(),
        "author": author,
        "commenter": commenter,
        "moderator": give_totp(UserFactory(is_moderator=True)),
        "city_staff": give_totp(UserFactory(is_city_staff=True)),
    }


def _comment(actor, w):
    services.create_comment(actor=actor, proposal=w["proposal"], body="의견입니다")


def _reply(actor, w):
    services.create_comment(
        actor=actor, proposal=w["proposal"], body="답글입니다", parent=w["comment"]
    )


def _edit(actor, w):
    services.edit_comment(actor=actor, comment=w["comment"], body="고친 의견")


def _report(actor, w):
    services.report_comment(actor=actor, comment=w["comment"], reason="spam")


def _hide(actor, w):
    moderation.hide(actor=actor, obj=w["comment"], reason="광고")


def _follow(actor, w):
    services.follow_proposal(actor=actor, proposal=w["proposal"])


def _unfollow(actor, w):
    services.unfollow_proposal(actor=actor, proposal=w["proposal"])


# write: (function, the roles allowed, what an allowed write leaves behind)
MATRIX: dict[str, tuple[Callable, set[str], Callable[[dict], bool]]] = {
    "comment": (
        _comment,
        {"citizen", "author", "commenter", "moderator", "city_staff"},
        lambda w: Comment.objects.filter(body="의견입니다").exists(),
    ),
    "reply": (
        _reply,
        {"citizen", "author", "commenter", "moderator", "city_staff"},
        lambda w: Comment.objects.filter(parent=w["comment"]).exists(),
    ),
    "edit": (
        _edit,
        {"commenter"},
        lambda w: Comment.objects.filter(body="고친 의견").exists(),
    ),
    "report": (
        _report,
        {"unverified", "citizen", "author", "moderator", "city_staff"},
        lambda w: Report.objects.exists(),
    ),
    "hide": (
        _hide,
        {"moderator"},
        lambda w: Comment.objects.filter(moderation_status="hidden").exists(),
    ),
    "follow": (
        _follow,
        {"citizen", "author", "commenter", "moderator", "city_staff"},
        lambda w: Follow.objects.exists(),
    ),
    "unfollow": (
        _unfollow,
        {"unverified", "citizen", "author", "commenter", "moderator", "city_staff"},
        lambda w: True,  # nothing to leave behind: the refusal is what is tested
    ),
}
CASES = [(write, role) for write in MATRIX for role in ROLES]


@pytest.mark.parametrize(("write", "role"), CASES, ids=[f"{w}-{r}" for w, r in CASES])
def test_permission_matrix(write, role):
    w = _world()
    action, allowed, wrote = MATRIX[write]
    before = (Comment.objects.count(), Report.objects.count(), Follow.objects.count())
    if role in allowed:
        action(w[role], w)
        assert wrote(w)
    else:
        with pytest.raises((PermissionDenied, ValidationError)):
            action(w[role], w)
        after = (Comment.objects.count(), Report.objects.count(), Follow.objects.count())
        assert after == before
        assert Comment.objects.filter(body="처음 의견", moderation_status="published").exists()


def test_report_once_per_person():
    """Reporting is moderation's rule: any signed-in person, once per open report."""
    w = _world()
    _report(w["citizen"], w)
    with pytest.raises(ValidationError):
        _report(w["citizen"], w)


@pytest.mark.parametrize("role", ["anonymous", "unverified"])
def test_pages_refuse_without_writing(client, role):
    w = _world()
    if w[role] is not None:
        client.force_login(w[role])
    proposal = w["proposal"]
    response = client.post(
        f"/ko/participate/{proposal.pk}/comments/", {"body": "몰래 의견", "stance": "for"}
    )
    assert response.status_code in (302, 422)
    assert not Comment.objects.filter(body="몰래 의견").exists()
    client.post(f"/ko/participate/{proposal.pk}/follow/")
    assert not Follow.objects.exists()
    edit = client.post(
        f"/ko/participate/comments/{w['comment'].pk}/edit/", {"body": "고침", "stance": "for"}
    )
    assert edit.status_code in (302, 403)
    assert not Comment.objects.filter(body="고침").exists()
