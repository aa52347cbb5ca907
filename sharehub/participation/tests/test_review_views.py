"""Pages of the committee review: the members' workspace (agenda, rapporteurs, notes, drafts,
meetings), the recommendation pages, the committee page and the proposal page's decision."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sharehub.events.models import EventKind, EventMaterial, MaterialKind
from sharehub.events.tests.factories import EventFactory
from sharehub.participation.models import (
    CommitteeNote,
    ProposalState,
    Recommendation,
    RecommendationState,
    Review,
)
from sharehub.participation.services import review as services

from .review_setup import SECRET, board_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _workspace(board) -> str:
    return f"/ko/participate/committees/{board.committee.slug}/workspace/"


def test_workspace_shows_agenda_notes_drafts_to_members(client, board):
    Review.objects.create(
        proposal=board.proposal, committee=board.committee, rapporteur=board.chair
    )
    board.note()
    board.draft()
    client.force_login(board.member)
    html = _html(client.get(_workspace(board)))
    assert board.proposal.title in html and board.second.title in html
    assert board.chair.display_name in html  # the rapporteur
    assert f"메모 {SECRET}" in html and f"권고 초안 {SECRET}" in html
    assert 'name="rapporteur"' not in html  # a plain member does not assign
    client.force_login(board.secretary)
    assert 'name="rapporteur"' in _html(client.get(_workspace(board)))


@pytest.mark.parametrize("who", ["citizen", "outsider_member", "former", "city_staff", "moderator"])
def test_workspace_is_404_for_non_members(client, board, who):
    board.note()
    client.force_login(getattr(board, who))
    assert client.get(_workspace(board)).status_code == 404
    assert client.get("/ko/participate/my-committees/").status_code in (404, 302)


def test_workspace_needs_login(client, board):
    response = client.get(_workspace(board))
    assert response.status_code == 302 and "login" in response["Location"]


def test_my_committees_leads_to_the_workspace(client, board):
    client.force_login(board.member)
    response = client.get("/ko/participate/my-committees/")
    assert response.status_code == 302 and response["Location"].endswith(_workspace(board))
    board.other.memberships.create(
        user=board.member, role="member", term_start=timezone.localdate()
    )
    html = _html(client.get("/ko/participate/my-committees/"))
    assert board.committee.slug in html and board.other.slug in html


def test_workspace_item_in_the_header_workspace(client, board):
    from sharehub.core.workspace import work_for

    queues, _tools = work_for(board.member)
    item = next(link for link in queues if link.name == "participation.committee_workspace")
    assert item.count == 2 and item.url.endswith("/participate/my-committees/")
    queues, _tools = work_for(board.citizen)
    assert all(link.name != "participation.committee_workspace" for link in queues)


def test_assign_rapporteur_and_notes_through_the_pages(client, board):
    client.force_login(board.chair)
    url = f"{_workspace(board)}{board.proposal.pk}/rapporteur/"
    response = client.post(url, {"rapporteur": board.member.pk})
    assert response.status_code == 302
    board.proposal.refresh_from_db()
    assert board.proposal.state == ProposalState.UNDER_REVIEW
    # a non-member as rapporteur: refused by the form (not among the choices)
    client.post(url, {"rapporteur": board.citizen.pk})
    assert Review.objects.get().rapporteur == board.member
    # notes
    response = client.post(f"{_workspace(board)}{board.proposal.pk}/notes/", {"text": "확인 필요"})
    assert response.status_code == 302
    note = CommitteeNote.objects.get()
    assert note.author == board.chair
    client.force_login(board.member)  # another member cannot delete it
    assert client.post(f"/ko/participate/committees/notes/{note.pk}/delete/").status_code == 403
    client.force_login(board.citizen)  # a stranger gets 404
    assert client.post(f"/ko/participate/committees/notes/{note.pk}/delete/").status_code == 404
    client.force_login(board.chair)
    client.post(f"/ko/participate/committees/notes/{note.pk}/delete/")
    assert not CommitteeNote.objects.exists()


def test_stranger_posts_are_404_and_change_nothing(client, board):
    client.force_login(board.outsider_member)
    assert (
        client.post(
            f"{_workspace(board)}{board.proposal.pk}/rapporteur/", {"rapporteur": board.member.pk}
        ).status_code
        == 404
    )
    assert (
        client.post(f"{_workspace(board)}{board.proposal.pk}/notes/", {"text": "x"}).status_code
        == 404
    )
    assert not Review.objects.exists() and not CommitteeNote.objects.exists()


def test_draft_decide_publish_through_the_pages(client, board):
    client.force_login(board.member)
    new = f"/ko/participate/committees/{board.committee.slug}/recommendations/new/"
    assert 'class="rich' in _html(client.get(new)) or "quill" in _html(client.get(new))
    bad = client.post(new, {"title": "", "body": "", "language": "ko"})
    assert bad.status_code == 422
    response = client.post(
        new, {"title": "공유 촉진 권고", "body": "<p>권고합니다.</p>", "language": "ko"}
    )
    draft = Recommendation.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/recommendations/{draft.pk}/"
    )
    page = _html(client.get(draft.get_absolute_url()))
    assert f"/recommendations/{draft.pk}/edit/" in page and "/publish/" not in page
    assert board.proposal.title in page  # the decision form lists it
    response = client.post(
        f"/ko/participate/recommendations/{draft.pk}/decisions/",
        {"proposal": board.proposal.pk, "verdict": "with_changes", "reasons": "조건부로"},
    )
    assert response.status_code == 302
    bad = client.post(
        f"/ko/participate/recommendations/{draft.pk}/decisions/",
        {"proposal": board.second.pk, "verdict": "", "reasons": ""},
    )
    assert bad.status_code == 422
    # a member cannot publish: the page says so, nothing changes
    client.post(f"/ko/participate/recommendations/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert draft.state == RecommendationState.DRAFT
    client.force_login(board.secretary)
    client.post(f"/ko/participate/recommendations/{draft.pk}/publish/", {"confirm": "on"})
    draft.refresh_from_db()
    assert draft.state == RecommendationState.PUBLISHED
    client.logout()
    public = _html(client.get(draft.get_absolute_url()))
    assert "공유 촉진 권고" in public and board.proposal.title in public and "조건부로" in public
    assert "/publish/" not in public and "/decisions/" not in public
    # the proposal page shows the decision with its reasons and a link
    detail = _html(client.get(board.proposal.get_absolute_url()))
    assert "조건부로" in detail and draft.get_absolute_url() in detail
    assert "수정하여 권고" in detail or "Recommend with changes" in detail
    assert "검토 메모" not in detail


def test_a_plain_member_publishing_is_forbidden(client, board):
    draft = board.draft()
    client.force_login(board.member)
    response = client.post(f"/ko/participate/recommendations/{draft.pk}/publish/")
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.state == RecommendationState.DRAFT


def test_publishing_without_decisions_is_refused_with_a_message(client, board):
    draft = board.draft(with_item=False)
    client.force_login(board.chair)
    response = client.post(
        f"/ko/participate/recommendations/{draft.pk}/publish/", {"confirm": "on"}, follow=True
    )
    draft.refresh_from_db()
    assert draft.state == RecommendationState.DRAFT
    assert "결정" in response.content.decode()


def test_delete_draft_and_remove_decision(client, board):
    draft = board.draft()
    client.force_login(board.member)
    item = draft.items.get()
    client.post(f"/ko/participate/recommendations/decisions/{item.pk}/remove/")
    assert not draft.items.exists()
    client.post(f"/ko/participate/recommendations/{draft.pk}/delete/")
    assert not Recommendation.objects.exists()


def test_committee_page_shows_members_recommendations_meetings_minutes(client, board):
    published = board.draft(title="공개된 권고")
    services.publish_recommendation(actor=board.chair, recommendation=published)
    board.draft(title=f"숨은 초안 {SECRET}")
    now = timezone.now()
    upcoming = EventFactory(
        title_ko="제5차 공유정책 자문위원회 회의",
        kind=EventKind.COMMITTEE_MEETING,
        committee=board.committee,
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=7, hours=2),
    )
    past = EventFactory(
        title_ko="제4차 회의",
        kind=EventKind.COMMITTEE_MEETING,
        committee=board.committee,
        starts_at=now - timedelta(days=30),
        ends_at=now - timedelta(days=30) + timedelta(hours=2),
    )
    EventMaterial.objects.create(
        event=past,
        kind=MaterialKind.MINUTES,
        title="제4차 회의록",
        link="https://example.org/m.pdf",
    )
    EventFactory(  # another committee's meeting is not listed
        title_ko="다른 위원회 회의",
        kind=EventKind.COMMITTEE_MEETING,
        committee=board.other,
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=1),
    )
    html = _html(client.get(board.committee.get_absolute_url()))
    assert board.chair.display_name in html and board.secretary.display_name in html
    assert "공개된 권고" in html and SECRET not in html
    assert upcoming.title_ko in html and "제4차 회의록" in html
    assert "다른 위원회 회의" not in html
    assert "/workspace/" not in html
    client.force_login(board.member)
    html = _html(client.get(board.committee.get_absolute_url()))
    assert "/workspace/" in html
    ws = _html(client.get(_workspace(board)))
    assert upcoming.title_ko in ws  # upcoming meetings in the workspace


def test_recommendation_list_is_public_and_published_only(client, board):
    services.publish_recommendation(
        actor=board.chair, recommendation=board.draft(title="발표 권고")
    )
    board.draft(title=f"비공개 {SECRET}", with_item=False)
    html = _html(client.get("/ko/participate/recommendations/"))
    assert "발표 권고" in html and SECRET not in html
    en = _html(client.get("/en/participate/recommendations/"))
    assert "발표 권고" in en


def test_draft_page_is_404_for_everyone_but_members(client, board):
    draft = board.draft()
    for who in (None, "citizen", "author", "outsider_member", "former", "city_staff", "moderator"):
        client.logout()
        if who:
            client.force_login(getattr(board, who))
        assert client.get(draft.get_absolute_url()).status_code == 404, who
        assert client.get(f"/ko/participate/recommendations/{draft.pk}/edit/").status_code in (
            404,
            302,
        )
    client.force_login(board.member)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_review_pages_are_valid_html(client, board, tmp_path):
    """The workspace, the recommendation pages and forms, the committee page and the proposal's
    decision, in Korean and English, checked by vnu (skipped without Java or vnu)."""
    from sharehub.core.tests.test_html_valid import _java, _vnu_errors

    java = _java()
    board.note()
    draft = board.draft(title="초안 권고")
    published = board.draft(title="공개 권고", with_item=False)
    published.items.create(proposal=board.second, verdict="not_recommend", reasons="이유")
    services.publish_recommendation(actor=board.chair, recommendation=published)
    EventFactory(
        kind=EventKind.COMMITTEE_MEETING,
        committee=board.committee,
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=1),
    )
    pages = [
        ("workspace", _workspace(board).removeprefix("/ko"), board.chair),
        ("workspace-member", _workspace(board).removeprefix("/ko"), board.member),
        ("draft", f"/participate/recommendations/{draft.pk}/", board.chair),
        (
            "new",
            f"/participate/committees/{board.committee.slug}/recommendations/new/",
            board.member,
        ),
        ("edit", f"/participate/recommendations/{draft.pk}/edit/", board.member),
        ("published", f"/participate/recommendations/{published.pk}/", None),
        ("list", "/participate/recommendations/", None),
        ("committee", f"/participate/committees/{board.committee.slug}/", board.member),
        ("committees", "/participate/committees/", board.member),
        ("proposal", f"/participate/{board.second.pk}/", board.member),
    ]
    files = []
    for lang in ("ko", "en"):
        for label, path, who in pages:
            client.logout()
            if who is not None:
                client.force_login(who)
            response = client.get(f"/{lang}{path}")
            assert response.status_code == 200, (lang, label)
            file = tmp_path / f"{lang}-{label}.html"
            file.write_bytes(response.content)
            files.append(file)
    errors = _vnu_errors(java, files)
    assert not errors, [(e.get("url", "")[-30:], e.get("message")) for e in errors]
