"""Review leftovers: publishing asks a ticked confirmation; a second decision for the same
proposal in a draft is refused (a field error) unless it is the explicit edit of the first;
published recommendations are found by the shared search, drafts never."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sharehub.participation.models import RecommendationState
from sharehub.participation.services import review as services
from sharehub.search.selectors import hub_search

from .review_setup import SECRET, board_fixture  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _publish_url(draft) -> str:
    return f"/ko/participate/recommendations/{draft.pk}/publish/"


# Confirmation ---------------------------------------------------------------------------------


def test_publishing_without_the_confirmation_is_refused_with_a_field_error(client, board):
    draft = board.draft()
    client.force_login(board.chair)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert 'name="confirm"' in page and 'type="checkbox"' in page
    response = client.post(_publish_url(draft), {})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_confirm"' in html and "errorlist" in html
    draft.refresh_from_db()
    assert draft.state == RecommendationState.DRAFT and draft.published_at is None


def test_publishing_with_the_confirmation(client, board):
    draft = board.draft()
    client.force_login(board.secretary)
    response = client.post(_publish_url(draft), {"confirm": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == RecommendationState.PUBLISHED


def test_a_plain_member_gets_no_publish_form_and_403_even_confirmed(client, board):
    draft = board.draft()
    client.force_login(board.member)
    assert 'name="confirm"' not in client.get(draft.get_absolute_url()).content.decode()
    assert client.post(_publish_url(draft), {"confirm": "on"}).status_code == 403
    draft.refresh_from_db()
    assert draft.state == RecommendationState.DRAFT


def test_an_outsider_cannot_reach_the_publish_form(client, board):
    draft = board.draft()
    for who in ("citizen", "outsider_member", "city_staff"):
        client.force_login(getattr(board, who))
        assert client.post(_publish_url(draft), {"confirm": "on"}).status_code == 404
    client.logout()
    assert client.post(_publish_url(draft), {"confirm": "on"}).status_code == 302  # to log in
    draft.refresh_from_db()
    assert draft.state == RecommendationState.DRAFT


# One decision per proposal --------------------------------------------------------------------


def test_a_second_decision_for_the_same_proposal_is_refused(board):
    draft = board.draft()  # decides board.proposal: "recommend"
    with pytest.raises(ValidationError) as refused:
        services.set_decision(
            actor=board.member,
            recommendation=draft,
            proposal=board.proposal,
            verdict="not_recommend",
            reasons="다른 이유",
        )
    assert refused.value.error_dict["proposal"][0].code == "duplicate"
    item = draft.items.get()
    assert item.verdict == "recommend" and SECRET in item.reasons


def test_the_explicit_edit_replaces_the_decision(board):
    draft = board.draft()
    services.set_decision(
        actor=board.member,
        recommendation=draft,
        proposal=board.proposal,
        verdict="not_recommend",
        reasons="고친 이유",
        replace=True,
    )
    item = draft.items.get()
    assert (item.verdict, item.reasons) == ("not_recommend", "고친 이유")


def test_the_pages_add_refused_and_edit_form(client, board):
    draft = board.draft()
    item = draft.items.get()
    client.force_login(board.member)
    url = f"/ko/participate/recommendations/{draft.pk}/decisions/"
    page = client.get(draft.get_absolute_url()).content.decode()
    assert f'id="id_decision{item.pk}_reasons"' in page  # the decision's own edit form
    response = client.post(
        url, {"proposal": board.proposal.pk, "verdict": "not_recommend", "reasons": "덮어쓰기"}
    )
    assert response.status_code == 422
    assert "이미" in response.content.decode() or "already" in response.content.decode()
    item.refresh_from_db()
    assert item.verdict == "recommend"
    response = client.post(
        url,
        {
            "proposal": board.proposal.pk,
            "verdict": "with_changes",
            "reasons": "고쳐서",
            "replace": "True",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.verdict, item.reasons) == ("with_changes", "고쳐서")
    assert draft.items.count() == 1


# Search ---------------------------------------------------------------------------------------


def _found(q: str) -> list[str]:
    return [
        str(result.obj.title)
        for group in hub_search(q)
        if group.entry.kind and group.entry.kind.code == "recommendations"
        for result in group.results
    ]


def test_published_recommendations_are_searchable_drafts_never(board):
    draft = board.draft(title="초안 권고 공구대여망")
    published = board.draft(title="공개된 권고 자전거수리망", with_item=False)
    published.items.create(proposal=board.second, verdict="recommend", reasons="수요가 큼")
    assert _found("공구대여망") == [] and _found("자전거수리망") == []
    services.publish_recommendation(actor=board.chair, recommendation=published)
    assert _found("자전거수리망") == ["공개된 권고 자전거수리망"]
    # Found by the proposal it answers, too.
    assert "공개된 권고 자전거수리망" in _found("주차장 공유")
    # The draft, saved again as an edit would, stays out.
    services.update_recommendation(
        actor=board.member, recommendation=draft, title="초안 권고 공구대여망 2"
    )
    assert _found("공구대여망") == []
    assert all(SECRET not in title for title in _found(SECRET))


def test_search_page_lists_the_kind(client, board):
    published = board.draft(title="공개된 권고 자전거수리망", with_item=False)
    published.items.create(proposal=board.second, verdict="recommend", reasons="수요가 큼")
    services.publish_recommendation(actor=board.chair, recommendation=published)
    html = client.get("/ko/search/", {"q": "자전거수리망"}).content.decode()
    assert published.get_absolute_url() in html
