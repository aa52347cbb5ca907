"""Pages: the list (filters, sorts, bounded queries), the detail with its timeline, propose, edit,
submit, support and withdraw, withdraw with a reason, committees; who may see what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from sharehub.moderation.models import ModerationStatus
from sharehub.participation import services
from sharehub.participation.models import CommitteeRole, Proposal, ProposalState, Support
from sharehub.places.tests.factories import DistrictFactory

from .factories import MembershipFactory, PolicyAreaFactory, ProposalFactory

pytestmark = pytest.mark.django_db
LIST = "/ko/participate/"


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_list_shows_public_proposals_only(client, author, area):
    ProposalFactory(area=area, author=author, title="공개 제안")
    ProposalFactory(
        area=area,
        author=author,
        title="검토 중 제안",
        state=ProposalState.SUBMITTED,
        moderation_status=ModerationStatus.PENDING,
    )
    ProposalFactory(
        area=area, author=author, title="숨긴 제안", moderation_status=ModerationStatus.HIDDEN
    )
    ProposalFactory(
        area=area, author=author, title="초안 제안", state=ProposalState.DRAFT, moderation_status=""
    )
    html = _page(client.get(LIST))
    assert "공개 제안" in html
    assert "검토 중 제안" not in html and "숨긴 제안" not in html and "초안 제안" not in html
    assert "정책 제안" in html  # the header's link, in Korean


def test_list_filters_and_sorts(client, area, author):
    district = DistrictFactory()
    other_area = PolicyAreaFactory()
    popular = ProposalFactory(area=area, author=author, title="지지 많은 제안", supports_count=2)
    fresh = ProposalFactory(area=area, author=author, title="새 제안", published_at=timezone.now())
    fresh.districts.add(district)
    elsewhere = ProposalFactory(
        area=other_area,
        author=author,
        title="다른 분야 제안",
        state=ProposalState.NOT_ENOUGH_SUPPORT,
    )
    html = _page(client.get(LIST))
    assert html.index(popular.title) < html.index(fresh.title)
    html = _page(client.get(LIST, {"sort": "newest"}))
    assert html.index(fresh.title) < html.index(popular.title)
    html = _page(client.get(LIST, {"area": area.slug}))
    assert popular.title in html and elsewhere.title not in html
    html = _page(client.get(LIST, {"district": district.slug}))
    assert fresh.title in html and popular.title not in html
    html = _page(client.get(LIST, {"state": "not_enough_support"}))
    assert elsewhere.title in html and popular.title not in html
    html = _page(client.get(LIST, {"committee": other_area.committee.slug}))
    assert elsewhere.title in html and popular.title not in html
    bad = client.get(LIST, {"area": "nowhere", "state": "secret"})
    assert bad.status_code == 200
    assert "There is no policy area" in bad.content.decode() or "정책 분야" in bad.content.decode()


def test_list_queries_do_not_grow(client, area, author, user, django_assert_num_queries):
    def build(n):
        for _ in range(n):
            proposal = ProposalFactory(area=area, author=author)
            proposal.districts.add(DistrictFactory())
            services.support_proposal(actor=user, proposal=proposal)

    client.force_login(user)
    build(2)
    client.get(LIST)  # warm caches (sessions, district choices)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        _page(client.get(LIST))
    build(15)
    with CaptureQueriesContext(connection) as many:
        _page(client.get(LIST))
    assert len(many) == len(few)


def test_detail_timeline_and_support_buttons(client, proposal, user):
    html = _page(client.get(f"/ko/participate/{proposal.pk}/"))
    assert proposal.title in html and "로그인" in html
    client.force_login(user)
    response = client.post(f"/ko/participate/{proposal.pk}/support/")
    assert response.status_code == 302
    assert Support.objects.filter(proposal=proposal, user=user).exists()
    html = _page(client.get(f"/ko/participate/{proposal.pk}/"))
    assert f"/ko/participate/{proposal.pk}/unsupport/" in html
    client.post(f"/ko/participate/{proposal.pk}/support/")  # twice: a message, still one row
    assert Support.objects.filter(proposal=proposal).count() == 1
    client.post(f"/ko/participate/{proposal.pk}/unsupport/")
    assert not Support.objects.filter(proposal=proposal).exists()


def test_hidden_and_drafts_are_404_to_others(client, author, area, other_user):
    draft = ProposalFactory(
        area=area, author=author, state=ProposalState.DRAFT, moderation_status=""
    )
    hidden = ProposalFactory(area=area, author=author, moderation_status=ModerationStatus.HIDDEN)
    for proposal in (draft, hidden):
        assert client.get(f"/ko/participate/{proposal.pk}/").status_code == 404
        client.force_login(other_user)
        assert client.get(f"/ko/participate/{proposal.pk}/").status_code == 404
        assert client.post(f"/ko/participate/{proposal.pk}/support/").status_code == 404
        client.logout()
    client.force_login(author)
    assert client.get(f"/ko/participate/{draft.pk}/").status_code == 200


def test_propose_edit_submit_withdraw_without_javascript(client, author, area):
    client.force_login(author)
    assert client.get("/ko/participate/new/").status_code == 200
    bad = client.post(
        "/ko/participate/new/", {"title": "", "area": area.pk, "body": "", "language": "ko"}
    )
    assert bad.status_code == 422
    response = client.post(
        "/ko/participate/new/",
        {
            "title": "공유 주차장을 늘려 주세요",
            "area": area.pk,
            "body": "<p>낮 시간 주차장 공유</p>",
            "language": "ko",
        },
    )
    proposal = Proposal.objects.get(title="공유 주차장을 늘려 주세요")
    assert response.status_code == 302 and proposal.state == ProposalState.DRAFT
    response = client.post(
        f"/ko/participate/{proposal.pk}/edit/",
        {
            "title": "공유 주차장을 더 늘려 주세요",
            "area": area.pk,
            "body": "<p>더 많이</p>",
            "language": "ko",
        },
    )
    assert response.status_code == 302
    client.post(f"/ko/participate/{proposal.pk}/submit/")
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED
    assert (
        client.post(f"/ko/participate/{proposal.pk}/withdraw/", {"reason": ""}).status_code == 422
    )
    client.post(f"/ko/participate/{proposal.pk}/withdraw/", {"reason": "다른 제안과 겹칩니다"})
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.WITHDRAWN


def test_others_cannot_edit_or_withdraw(client, proposal, other_user):
    client.force_login(other_user)
    assert client.get(f"/ko/participate/{proposal.pk}/edit/").status_code == 403
    assert (
        client.post(f"/ko/participate/{proposal.pk}/withdraw/", {"reason": "남의 것"}).status_code
        == 403
    )
    assert (
        client.post(f"/ko/participate/{proposal.pk}/amend/", {"text": "<p>x</p>"}).status_code
        == 403
    )


def test_anonymous_writes_go_to_login(client, proposal):
    for url in ("new/", f"{proposal.pk}/support/", f"{proposal.pk}/withdraw/"):
        response = client.post(f"/ko/participate/{url}")
        assert response.status_code == 302 and "login" in response["Location"]


def test_amendment_after_supports_shows_in_the_timeline(client, proposal, author, user):
    services.support_proposal(actor=user, proposal=proposal)
    client.force_login(author)
    response = client.post(
        f"/ko/participate/{proposal.pk}/amend/", {"text": "<p>예산안을 덧붙입니다</p>"}
    )
    assert response.status_code == 302
    html = _page(client.get(f"/ko/participate/{proposal.pk}/"))
    assert "예산안을 덧붙입니다" in html


def test_committee_pages_in_both_languages(client, area, user):
    MembershipFactory(committee=area.committee, user=user, role=CommitteeRole.CHAIR)
    MembershipFactory(
        committee=area.committee,
        user=ProposalFactory().author or user,
        term_start=date.today() - timedelta(days=800),
        term_end=date.today() - timedelta(days=400),
    )
    html = _page(client.get("/ko/participate/committees/"))
    assert area.committee.name_ko in html
    html = _page(client.get(f"/en/participate/committees/{area.committee.slug}/"))
    assert area.committee.name_en in html and user.display_name in html and "Chair" in html
    assert client.get("/ko/participate/committees/nowhere/").status_code == 404


def test_the_committee_page_lists_only_what_waits_on_its_agenda(client, area):
    waiting = ProposalFactory(
        area=area,
        title="기다리는 제안",
        state=ProposalState.ON_AGENDA,
        agenda_committee=area.committee,
    )
    decided = ProposalFactory(
        area=area,
        title="권고가 끝난 제안",
        state=ProposalState.RECOMMENDED,
        agenda_committee=area.committee,
    )
    assert waiting.is_public and decided.is_public
    html = _page(client.get(f"/ko/participate/committees/{area.committee.slug}/"))
    assert waiting.title in html and decided.title not in html


def test_mine_lists_my_proposals_and_supports(client, proposal, author, user):
    services.support_proposal(actor=user, proposal=proposal)
    client.force_login(user)
    assert proposal.title in _page(client.get("/ko/participate/mine/"))
    client.force_login(author)
    assert proposal.title in _page(client.get("/en/participate/mine/"))


def test_a_proposal_says_which_language_it_is_written_in(client, proposal):
    """A proposal is written in one language: on a page in the other, it says so."""
    assert proposal.language == "ko"
    for path in ("/en/participate/", f"/en/participate/{proposal.pk}/"):
        page = _page(client.get(path))
        assert '<span class="tag lang-note">Korean only</span>' in page
        assert f'lang="ko">{proposal.title}' in page or 'lang="ko"><a' in page
    for path in ("/ko/participate/", f"/ko/participate/{proposal.pk}/"):
        assert "lang-note" not in _page(client.get(path))
