"""Follows: the author follows once the proposal is submitted, others choose to (page, API);
followers are told of comments; a departing person's follows go and their comments stay,
anonymised."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sharehub.core import privacy
from sharehub.moderation.models import ModerationStatus
from sharehub.notifications.models import Notification
from sharehub.participation import services
from sharehub.participation.models import Follow, ProposalState
from sharehub.participation.privacy_data import erase_participation, export_participation
from sharehub.participation.services import comments

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/participation"


def test_author_follows_on_submission(author, area):
    draft = services.create_proposal(
        actor=author,
        title="밤에도 여는 주민센터",
        body="<p>모임 공간</p>",
        language="ko",
        area=area,
    )
    assert not Follow.objects.exists()
    services.submit_proposal(actor=author, proposal=draft)
    assert Follow.objects.filter(proposal=draft, user=author).count() == 1


def test_follow_twice_changes_nothing_and_unfollow(user, proposal):
    comments.follow_proposal(actor=user, proposal=proposal)
    comments.follow_proposal(actor=user, proposal=proposal)
    assert Follow.objects.filter(user=user).count() == 1
    assert comments.unfollow_proposal(actor=user, proposal=proposal) is True
    assert comments.unfollow_proposal(actor=user, proposal=proposal) is False
    assert not Follow.objects.exists()


def test_follow_refusals(user, unverified, area, author, proposal):
    with pytest.raises(PermissionDenied):
        comments.follow_proposal(actor=None, proposal=proposal)
    with pytest.raises(ValidationError) as error:
        comments.follow_proposal(actor=unverified, proposal=proposal)
    assert "unverified" in str(error.value.error_dict["__all__"][0].code)
    for changes in (
        {"moderation_status": ModerationStatus.HIDDEN},
        {"state": ProposalState.SUBMITTED, "moderation_status": ModerationStatus.PENDING},
    ):
        hidden = ProposalFactory(area=area, author=author, **changes)
        with pytest.raises(ValidationError):
            comments.follow_proposal(actor=user, proposal=hidden)
    assert not Follow.objects.exists()


def test_followers_told_of_comments_unfollowed_are_not(user, other_user, author, proposal):
    comments.follow_proposal(actor=other_user, proposal=proposal)
    comments.create_comment(actor=user, proposal=proposal, body="의견")
    assert Notification.objects.filter(user=other_user, kind=comments.COMMENT_KIND).count() == 1
    comments.unfollow_proposal(actor=other_user, proposal=proposal)
    proposal.refresh_from_db()
    comments.create_comment(actor=user, proposal=proposal, body="또 의견")
    assert Notification.objects.filter(user=other_user, kind=comments.COMMENT_KIND).count() == 1


def test_follow_button_on_the_page(client, user, proposal):
    url = f"/en/participate/{proposal.pk}/"
    assert "Log in to follow this proposal" in client.get(url).content.decode()
    assert client.post(url + "follow/").status_code == 302  # to the login page
    assert not Follow.objects.exists()
    client.force_login(user)
    response = client.post(url + "follow/")
    assert response.status_code == 302 and Follow.objects.filter(user=user).exists()
    html = client.get(url).content.decode()
    assert "You follow this proposal" in html and "Stop following" in html
    client.post(url + "unfollow/")
    assert not Follow.objects.exists()


def test_follows_api(client, user, proposal, area, author):
    url = f"{API}/proposals/{proposal.pk}/follow"
    assert client.post(url).status_code == 401
    client.force_login(user)
    assert client.post(url).status_code == 201
    assert client.post(url).status_code == 201  # twice changes nothing
    mine = client.get(f"{API}/follows").json()
    assert mine["count"] == 1 and mine["results"][0]["proposal"] == proposal.pk
    hidden = ProposalFactory(area=area, author=author, moderation_status=ModerationStatus.HIDDEN)
    assert client.post(f"{API}/proposals/{hidden.pk}/follow").status_code == 404
    # a followed proposal hidden later leaves the list
    gone = ProposalFactory(area=area, author=author)
    Follow.objects.create(proposal=gone, user=user)
    assert client.get(f"{API}/follows").json()["count"] == 2
    gone.moderation_status = ModerationStatus.HIDDEN
    gone.save()
    assert client.get(f"{API}/follows").json()["count"] == 1
    response = client.delete(url)
    assert response.status_code == 200 and response.json() == {
        "proposal": proposal.pk,
        "following": False,
    }
    assert client.get(f"{API}/follows").json()["count"] == 0


def test_privacy_export_and_erase(user, other_user, proposal):
    comments.follow_proposal(actor=user, proposal=proposal)
    comment = comments.create_comment(actor=user, proposal=proposal, body="내 의견", stance="for")
    quoting = comments.create_comment(
        actor=other_user, proposal=proposal, body=f"{user.email} 님께 동의합니다"
    )
    data = export_participation(user)
    assert [c["body"] for c in data["comments"]] == ["내 의견"]
    assert data["follows"] == [
        {"proposal": proposal.pk, "followed_at": data["follows"][0]["followed_at"]}
    ]
    erase_participation(user)
    comment.refresh_from_db()
    assert comment.author is None and comment.body == "내 의견"
    assert not Follow.objects.filter(user=user).exists()
    quoting.refresh_from_db()
    assert user.email not in quoting.body and "[erased]" in quoting.body


def test_deleted_account_comment_shows_former_member(client, user, proposal):
    comments.create_comment(actor=user, proposal=proposal, body="떠난 사람의 의견")
    name = user.display_name
    privacy.erase(user)
    user.delete()
    html = client.get(f"/en/participate/{proposal.pk}/").content.decode()
    assert "떠난 사람의 의견" in html and "A former member" in html and name not in html


def test_me_page_lists_followed_proposals(client, user, proposal, area, author):
    client.force_login(user)
    assert "Proposals I follow" not in client.get("/en/me/").content.decode()
    comments.follow_proposal(actor=user, proposal=proposal)
    hidden = ProposalFactory(area=area, author=author, title="숨겨질 제안")
    comments.follow_proposal(actor=user, proposal=hidden)
    hidden.moderation_status = ModerationStatus.HIDDEN
    hidden.save()
    html = client.get("/en/me/").content.decode()
    assert "Proposals I follow" in html and proposal.title in html and "숨겨질 제안" not in html
