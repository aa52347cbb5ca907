"""Comments: threads with replies and their depth limit, stances, edits shown as edited, reports
and post-moderation (a hidden comment keeps its place), `comments_count` exact through creation,
hiding and restoring, notices to the author and followers, closed proposals refused; the page and
the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from sharehub.accounts.tests.factories import UserFactory
from sharehub.moderation import services as moderation
from sharehub.moderation.models import ModerationStatus, Report
from sharehub.notifications.models import Notification
from sharehub.participation.models import Comment, Follow, ProposalState, Stance
from sharehub.participation.services import comments as services

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/participation"


def _codes(error: ValidationError) -> set[str]:
    return {e.code for errors in error.error_dict.values() for e in errors if e.code}


def _comment(user, proposal, body="동네마다 있으면 좋겠습니다.", **extra):
    return services.create_comment(actor=user, proposal=proposal, body=body, **extra)


# Services -------------------------------------------------------------------------------------


def test_comment_is_published_at_once_and_counted(user, proposal):
    comment = _comment(user, proposal, body="  찬성합니다\r\n두 줄  ", stance=Stance.FOR)
    assert comment.moderation_status == ModerationStatus.PUBLISHED
    assert comment.body == "찬성합니다\n두 줄" and comment.stance == "for"
    proposal.refresh_from_db()
    assert proposal.comments_count == 1


def test_bad_input_is_a_field_error(user, proposal):
    with pytest.raises(ValidationError) as empty:
        _comment(user, proposal, body="   ")
    assert "body" in empty.value.error_dict
    with pytest.raises(ValidationError) as long:
        _comment(user, proposal, body="가" * 4001)
    assert "body" in long.value.error_dict
    with pytest.raises(ValidationError) as stance:
        _comment(user, proposal, stance="maybe")
    assert "stance" in stance.value.error_dict
    other = ProposalFactory(area=proposal.area)
    elsewhere = _comment(user, other)
    with pytest.raises(ValidationError) as parent:
        _comment(user, proposal, parent=elsewhere)
    assert "parent" in parent.value.error_dict
    proposal.refresh_from_db()
    assert proposal.comments_count == 0 and Comment.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"moderation_status": ModerationStatus.HIDDEN}, "hidden"),
        ({"state": ProposalState.WITHDRAWN, "withdrawal_reason": "중복"}, "withdrawn"),
        ({"state": ProposalState.NOT_ENOUGH_SUPPORT}, "closed"),
        ({"state": ProposalState.DRAFT, "moderation_status": ""}, "unpublished"),
        (
            {"state": ProposalState.SUBMITTED, "moderation_status": ModerationStatus.PENDING},
            "unpublished",
        ),
        ({"moderation_status": ModerationStatus.REJECTED}, "unpublished"),
    ],
)
def test_closed_proposals_take_no_comments(user, area, author, changes, code):
    proposal = ProposalFactory(area=area, author=author, **changes)
    with pytest.raises(ValidationError) as error:
        _comment(user, proposal)
    assert code in _codes(error.value)
    assert not Comment.objects.exists()


def test_other_public_states_take_comments(user, area, author):
    proposal = ProposalFactory(area=area, author=author, state=ProposalState.ON_AGENDA)
    assert _comment(user, proposal).pk


def test_replies_nest_three_levels_deeper_ones_join_the_thread(user, other_user, proposal):
    first = _comment(user, proposal)
    second = _comment(other_user, proposal, parent=first)
    third = _comment(user, proposal, parent=second)
    fourth = _comment(other_user, proposal, parent=third)
    assert second.parent == first and third.parent == second
    assert fourth.parent_id == second.pk  # attached to the deepest allowed level
    assert services.depth_of(third) == 3 and services.depth_of(fourth) == 3
    proposal.refresh_from_db()
    assert proposal.comments_count == 4


def test_edit_own_comment_shows_edited(user, other_user, proposal):
    comment = _comment(user, proposal, stance=Stance.FOR)
    assert comment.edited_at is None
    with pytest.raises(PermissionDenied):
        services.edit_comment(actor=other_user, comment=comment, body="남의 글")
    edited = services.edit_comment(actor=user, comment=comment, body="고쳤습니다", stance="against")
    assert edited.body == "고쳤습니다" and edited.stance == "against" and edited.edited_at
    with pytest.raises(ValidationError):
        services.edit_comment(actor=user, comment=comment, body=" ")


def test_hide_and_restore_move_the_count(user, moderator, proposal):
    comment = _comment(user, proposal)
    reply = _comment(user, proposal, parent=comment)
    moderation.hide(actor=moderator, obj=comment, reason="욕설")
    proposal.refresh_from_db()
    assert proposal.comments_count == 1
    with pytest.raises(ValidationError) as hidden:
        _comment(user, proposal, parent=comment)
    assert "parent" in hidden.value.error_dict
    with pytest.raises(ValidationError):
        services.edit_comment(actor=user, comment=comment, body="다시")
    moderation.restore(actor=moderator, obj=comment)
    proposal.refresh_from_db()
    assert proposal.comments_count == 2
    moderation.hide(actor=moderator, obj=reply, reason="스팸")
    moderation.hide(actor=moderator, obj=comment, reason="욕설")
    proposal.refresh_from_db()
    assert (
        proposal.comments_count
        == 0
        == Comment.objects.filter(moderation_status=ModerationStatus.PUBLISHED).count()
    )


def test_report_reaches_the_moderation_queue(user, other_user, moderator, proposal):
    comment = _comment(user, proposal)
    report = services.report_comment(actor=other_user, comment=comment, reason="spam")
    assert report.target == comment
    assert Notification.objects.filter(user=moderator, kind="moderation.report").exists()
    with pytest.raises(ValidationError):
        services.report_comment(actor=other_user, comment=comment, reason="spam")
    moderation.hide(actor=moderator, obj=comment, reason="광고")
    assert Report.objects.get().resolved_at is not None
    with pytest.raises(ValidationError):
        services.report_comment(actor=UserFactory(), comment=comment, reason="spam")


def test_author_and_followers_told_once_never_the_commenter(author, user, other_user, proposal):
    follower = UserFactory(preferred_language="en")
    Follow.objects.create(proposal=proposal, user=follower)
    Follow.objects.create(proposal=proposal, user=author)  # the author following: told once
    Follow.objects.create(proposal=proposal, user=user)
    _comment(user, proposal, body="좋습니다", stance=Stance.FOR)
    told = Notification.objects.filter(kind=services.COMMENT_KIND)
    assert sorted(n.user_id for n in told) == sorted([author.pk, follower.pk])
    english = told.get(user=follower)
    assert english.title.startswith("New comment") and "좋습니다" in english.body
    # a reply tells the parent's author too, when they are neither author nor follower
    parent = _comment(other_user, proposal)
    Notification.objects.all().delete()
    _comment(user, proposal, parent=parent)
    assert set(
        Notification.objects.filter(kind=services.COMMENT_KIND).values_list("user_id", flat=True)
    ) == {author.pk, follower.pk, other_user.pk}


def test_preferences_decide_the_mail(author, user, proposal):
    from sharehub.notifications.kinds import get_kind

    assert get_kind(services.COMMENT_KIND).email_default is False
    _comment(user, proposal)
    assert Notification.objects.filter(user=author, kind=services.COMMENT_KIND).exists()


# Pages ----------------------------------------------------------------------------------------


def _url(proposal, suffix=""):
    return f"/en/participate/{proposal.pk}/{suffix}"


def test_page_shows_threads_stances_and_hidden_placeholders(
    client, user, other_user, moderator, proposal
):
    first = _comment(user, proposal, body="첫 번째 의견", stance=Stance.FOR)
    _comment(other_user, proposal, body="답글입니다", parent=first)
    bad = _comment(other_user, proposal, body="숨길 욕설")
    moderation.hide(actor=moderator, obj=bad, reason="욕설")
    html = client.get(_url(proposal)).content.decode()
    assert "첫 번째 의견" in html and "답글입니다" in html
    assert "숨길 욕설" not in html and "This comment was hidden by a moderator." in html
    assert f'id="comment-{bad.pk}"' in html  # keeps its place
    assert "For: 1 · Against: 0 · Neutral: 0" in html  # the reply takes no stance
    assert "Log in to comment" in html


def test_page_comment_reply_and_errors(client, user, proposal):
    client.force_login(user)
    response = client.post(_url(proposal, "comments/"), {"body": "의견", "stance": "for"})
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
    response = client.post(
        _url(proposal, "comments/"), {"body": " ", "stance": "neutral", "parent": comment.pk}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="id_reply{comment.pk}_body"' in html and "<details open>" in html
    response = client.post(
        _url(proposal, "comments/"), {"body": "답글", "stance": "neutral", "parent": comment.pk}
    )
    assert response.status_code == 302 and Comment.objects.filter(parent=comment).exists()
    proposal.refresh_from_db()
    assert proposal.comments_count == 2


def test_page_edit_own_comment(client, user, other_user, proposal):
    comment = _comment(user, proposal, body="원래 글")
    url = f"/en/participate/comments/{comment.pk}/edit/"
    client.force_login(other_user)
    assert client.get(url).status_code == 403
    client.force_login(user)
    assert client.get(url).status_code == 200
    response = client.post(url, {"body": "고친 글", "stance": "neutral"})
    assert response.status_code == 302
    html = client.get(_url(proposal)).content.decode()
    assert "고친 글" in html and "edited" in html
    assert client.post(url, {"body": "", "stance": "neutral"}).status_code == 422


def test_page_closed_proposal_says_so(client, user, area, author):
    proposal = ProposalFactory(
        area=area, author=author, state=ProposalState.WITHDRAWN, withdrawal_reason="중복"
    )
    client.force_login(user)
    html = client.get(_url(proposal)).content.decode()
    assert "This proposal has been withdrawn: comments are closed." in html
    response = client.post(_url(proposal, "comments/"), {"body": "의견", "stance": "for"})
    assert response.status_code == 422 and not Comment.objects.exists()


def test_page_queries_do_not_grow_with_comments(
    client, user, proposal, django_assert_max_num_queries
):
    def thread():
        root = _comment(user, proposal)
        _comment(user, _fresh(proposal), parent=_comment(user, _fresh(proposal), parent=root))

    def _fresh(p):
        p.refresh_from_db()
        return p

    thread()
    client.force_login(user)
    with django_assert_max_num_queries(60) as small:
        client.get(_url(proposal))
    for _ in range(8):
        thread()
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(_url(proposal))


def test_page_rate_limit_shared_with_the_api(client, user, proposal):
    from sharehub.participation.views import comments as views

    client.force_login(user)
    limit = int(views.COMMENT_RATE.split("/")[0])
    statuses = [
        client.post(_url(proposal, "comments/"), {"body": f"의견 {n}", "stance": "for"}).status_code
        for n in range(limit + 1)
    ]
    assert statuses[-1] == 429 and statuses.count(302) == limit
    api = client.post(
        f"{API}/proposals/{proposal.pk}/comments", {"body": "x"}, content_type="application/json"
    )
    assert api.status_code == 429


# API ------------------------------------------------------------------------------------------


def test_api_list_create_edit_report(client, user, other_user, moderator, proposal):
    url = f"{API}/proposals/{proposal.pk}/comments"
    assert client.post(url, {"body": "x"}, content_type="application/json").status_code == 401
    client.force_login(user)
    created = client.post(
        url, {"body": "API 의견", "stance": "against"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    comment_id = created.json()["id"]
    reply = client.post(
        url, {"body": "답글", "parent": comment_id}, content_type="application/json"
    )
    assert reply.status_code == 201 and reply.json()["parent"] == comment_id
    bad = client.post(url, {"body": " ", "stance": "for"}, content_type="application/json")
    assert bad.status_code == 422 and "body" in bad.json()["errors"]
    bad_stance = client.post(url, {"body": "x", "stance": "maybe"}, content_type="application/json")
    assert bad_stance.status_code == 422
    missing = client.post(url, {"body": "x", "parent": 999999}, content_type="application/json")
    assert missing.status_code == 422 and "parent" in missing.json()["errors"]
    edit = f"{API}/comments/{comment_id}"
    edited = client.patch(edit, {"body": "고침"}, content_type="application/json")
    assert edited.status_code == 200 and edited.json()["edited_at"]
    client.force_login(other_user)
    assert (
        client.patch(edit, {"body": "남의 것"}, content_type="application/json").status_code == 403
    )
    reported = client.post(f"{edit}/report", {"reason": "spam"}, content_type="application/json")
    assert reported.status_code == 201
    again = client.post(f"{edit}/report", {"reason": "spam"}, content_type="application/json")
    assert again.status_code == 422
    moderation.hide(actor=moderator, obj=Comment.objects.get(pk=comment_id), reason="광고")
    client.logout()
    data = client.get(url).json()
    assert data["count"] == 2
    hidden = next(c for c in data["results"] if c["id"] == comment_id)
    assert hidden["hidden"] and hidden["body"] is None and hidden["author"] is None
    assert "고침" not in str(data)
    stances = client.get(f"{API}/proposals/{proposal.pk}/stances").json()
    # the one published comment left is a reply: counted, but it takes no stance
    assert stances == {"comments_count": 1, "stances": {"for": 0, "against": 0, "neutral": 0}}


def test_api_errors_for_closed_and_unseen_proposals(client, user, area, author):
    withdrawn = ProposalFactory(
        area=area, author=author, state=ProposalState.WITHDRAWN, withdrawal_reason="중복"
    )
    hidden = ProposalFactory(area=area, author=author, moderation_status=ModerationStatus.HIDDEN)
    client.force_login(user)
    with translation.override("en"):
        response = client.post(
            f"{API}/proposals/{withdrawn.pk}/comments",
            {"body": "x"},
            content_type="application/json",
            headers={"accept-language": "en"},
        )
    assert response.status_code == 422 and "withdrawn" in response.json()["errors"]["__all__"][0]
    assert (
        client.post(
            f"{API}/proposals/{hidden.pk}/comments", {"body": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get(f"{API}/proposals/{hidden.pk}/comments").status_code == 404


def test_api_rate_limit(client, user, proposal, settings):
    from sharehub.participation.api import comments as api

    client.force_login(user)
    statuses = [
        client.post(
            f"{API}/proposals/{proposal.pk}/comments",
            {"body": f"의견 {n}"},
            content_type="application/json",
        ).status_code
        for n in range(int(api.COMMENT_RATE.split("/")[0]) + 1)
    ]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {201}


def test_openapi_documents_comments(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert f"{API}/proposals/{{proposal_id}}/comments" in paths
    assert f"{API}/comments/{{comment_id}}/report" in paths


def test_demo_comments_and_follows_load_once():
    from sharehub.participation.demo import load_demo
    from sharehub.participation.models import Proposal

    emails = ["staff", "citizen", "moderator", "admin", "member"]
    accounts = {f"{n}@sharehub.example": UserFactory(email=f"{n}@sharehub.example") for n in emails}
    load_demo(accounts=accounts)
    assert Comment.objects.count() >= 3 and Comment.objects.filter(parent__isnull=False).exists()
    assert Follow.objects.filter(user=accounts["citizen@sharehub.example"]).exists()
    assert {c.stance for c in Comment.objects.all()} >= {"for", "against"}
    before = (Comment.objects.count(), Follow.objects.count())
    assert load_demo(accounts=accounts) == 0
    assert (Comment.objects.count(), Follow.objects.count()) == before
    for proposal in Proposal.objects.all():
        assert (
            proposal.comments_count
            == proposal.comments.filter(moderation_status=ModerationStatus.PUBLISHED).count()
        )


def test_api_list_queries_do_not_grow(client, user, proposal, django_assert_max_num_queries):
    url = f"{API}/proposals/{proposal.pk}/comments"
    _comment(user, proposal)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    for _ in range(10):
        proposal.refresh_from_db()
        _comment(user, proposal)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).json()["count"] == 11


def test_reported_comment_in_the_moderation_queue(client, user, other_user, moderator, proposal):
    comment = _comment(user, proposal, body="신고될 광고 댓글입니다")
    services.report_comment(actor=other_user, comment=comment, reason="spam")
    client.force_login(moderator)
    html = client.get("/ko/moderation/?section=reports").content.decode()
    assert "신고될 광고 댓글입니다" in html and f"#comment-{comment.pk}" in html


# PostgreSQL: counts under simultaneous comments, hides and supports -------------------------------


@pytest.mark.django_db(transaction=True)
def test_count_stays_exact_under_simultaneous_comments_and_hides():
    from django.db import connection

    from sharehub.accounts.tests.factories import give_totp
    from sharehub.core.tests.rush import Rush, free_connections
    from sharehub.participation import services as proposal_services
    from sharehub.participation.models import Proposal

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and parallel connections")
    workers = min(30, free_connections())
    people = [UserFactory() for _ in range(workers)]
    moderator = give_totp(UserFactory(is_moderator=True))
    proposal = ProposalFactory()
    earlier = [_comment(people[0], Proposal.objects.get(pk=proposal.pk)) for _ in range(workers)]
    pool = Rush(workers)
    try:
        for _round in range(3):
            jobs = []
            for index, person in enumerate(people):
                if index % 3 == 0:
                    target = earlier.pop()
                    jobs.append(
                        lambda c=target: moderation.hide(actor=moderator, obj=c, reason="x")
                    )
                elif index % 3 == 1:
                    jobs.append(
                        lambda p=person: (
                            proposal_services.support_proposal(actor=p, proposal=proposal)
                            if not proposal.supports.filter(user=p).exists()
                            else None
                        )
                    )
                else:
                    jobs.append(lambda p=person: _comment(p, proposal, body="동시에"))
            results = pool.round(jobs)
            errors = [r for r in results if isinstance(r, Exception)]
            assert not errors, errors[:3]
            fresh = Proposal.objects.get(pk=proposal.pk)
            published = Comment.objects.filter(
                proposal=proposal, moderation_status=ModerationStatus.PUBLISHED
            ).count()
            assert fresh.comments_count == published
            assert fresh.supports_count == fresh.supports.count()
    finally:
        pool.close()
