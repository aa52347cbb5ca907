"""Replies take no stance (as in Decidim, where only a top-level comment has the for/against
toggle): the reply form asks none, a stance sent with a reply is a field error, a reply shows no
stance and is outside the tally, on the page, in the API, the feed and the notices."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sharehub.notifications.models import Notification
from sharehub.participation.models import Comment, Stance
from sharehub.participation.selectors import comments as selectors
from sharehub.participation.services import comments as services

pytestmark = pytest.mark.django_db
API = "/api/v1/participation"


@pytest.fixture
def thread(user, other_user, proposal):
    first = services.create_comment(actor=user, proposal=proposal, body="찬성합니다", stance="for")
    reply = services.create_comment(
        actor=other_user, proposal=proposal, body="답글입니다", parent=first
    )
    return first, reply


def test_a_comment_without_a_stance_is_neutral(user, proposal):
    comment = services.create_comment(actor=user, proposal=proposal, body="의견")
    assert comment.stance == Stance.NEUTRAL and comment.takes_stance


def test_reply_takes_no_stance_and_is_not_counted(thread, proposal):
    _first, reply = thread
    assert not reply.takes_stance
    assert selectors.stance_counts(proposal) == {"for": 1, "against": 0, "neutral": 0}


def test_reply_with_a_stance_is_refused_and_nothing_written(other_user, thread, proposal):
    first, _ = thread
    with pytest.raises(ValidationError) as refused:
        services.create_comment(
            actor=other_user, proposal=proposal, body="반대 답글", stance="against", parent=first
        )
    assert refused.value.error_dict["stance"][0].code == "reply_stance"
    assert not Comment.objects.filter(body="반대 답글").exists()
    proposal.refresh_from_db()
    assert proposal.comments_count == 2


def test_editing_a_reply_cannot_give_it_a_stance(other_user, thread):
    _, reply = thread
    with pytest.raises(ValidationError) as refused:
        services.edit_comment(actor=other_user, comment=reply, body="고친 답글", stance="for")
    assert "stance" in refused.value.error_dict
    reply.refresh_from_db()
    assert reply.body == "답글입니다" and reply.edited_at is None
    edited = services.edit_comment(actor=other_user, comment=reply, body="고친 답글")
    assert edited.body == "고친 답글"


def test_page_reply_form_has_no_stance_and_reply_shows_none(client, user, thread, proposal):
    first, reply = thread
    client.force_login(user)
    html = client.get(f"/en/participate/{proposal.pk}/").content.decode()
    assert f'id="id_reply{first.pk}_stance' not in html
    assert 'id="id_stance_0"' in html  # the thread's first comment still asks
    node = html.split(f'id="comment-{reply.pk}"')[1].split("</li>")[0]
    assert "Neutral" not in node and "For" not in node
    assert "For: 1 · Against: 0 · Neutral: 0" in html


def test_page_reply_posted_with_a_stance_ignores_it(client, user, thread, proposal):
    first, _ = thread
    client.force_login(user)
    response = client.post(
        f"/en/participate/{proposal.pk}/comments/",
        {"body": "두 번째 답글", "stance": "against", "parent": first.pk},
    )
    assert response.status_code == 302
    assert selectors.stance_counts(proposal)["against"] == 0


def test_edit_page_of_a_reply_has_no_stance(client, other_user, thread):
    _, reply = thread
    client.force_login(other_user)
    html = client.get(f"/en/participate/comments/{reply.pk}/edit/").content.decode()
    assert "Your position on the proposal" not in html


def test_api_reply_stance_null_and_refused(client, user, thread, proposal):
    first, reply = thread
    data = client.get(f"{API}/proposals/{proposal.pk}/comments").json()["results"]
    stances = {row["id"]: row["stance"] for row in data}
    assert stances == {first.pk: "for", reply.pk: None}
    client.force_login(user)
    refused = client.post(
        f"{API}/proposals/{proposal.pk}/comments",
        {"body": "답글", "stance": "for", "parent": first.pk},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "stance" in refused.json()["errors"]
    counts = client.get(f"{API}/proposals/{proposal.pk}/stances").json()
    assert counts["stances"] == {"for": 1, "against": 0, "neutral": 0}
    assert counts["comments_count"] == 2


def test_reply_notice_and_feed_say_no_stance(thread, proposal, client):
    notice = Notification.objects.filter(user=proposal.author, body__contains="답글입니다").first()
    assert notice is not None and "(" not in notice.body.split(":")[0]
    feed = client.get(f"/en/participate/{proposal.pk}/feed/rss/").content.decode()
    assert "Reply by" in feed
