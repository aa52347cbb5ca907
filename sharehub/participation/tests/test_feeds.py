"""RSS and Atom feeds per policy area and per proposal: valid XML, public content only (never a
draft, a pending, rejected or hidden proposal, nor a hidden comment), withdrawn proposals public
as withdrawn."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from sharehub.moderation import services as moderation
from sharehub.moderation.models import ModerationStatus
from sharehub.participation import services
from sharehub.participation.models import ProposalState
from sharehub.participation.services import comments

from .factories import PolicyAreaFactory, ProposalFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def _rss_titles(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ElementTree.fromstring(response.content)
    return [item.findtext("title") for item in root.iter("item")]


def _atom_titles(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    ids = [entry.findtext(f"{ATOM}id") for entry in root.iter(f"{ATOM}entry")]
    assert all(i.startswith("tag:") for i in ids) and len(set(ids)) == len(ids)
    return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]


def test_area_feed_has_public_proposals_of_the_area_only(client, area, author):
    ProposalFactory(area=area, author=author, title="공개 제안")
    ProposalFactory(
        area=area,
        author=author,
        title="철회 제안",
        state=ProposalState.WITHDRAWN,
        withdrawal_reason="중복",
    )
    ProposalFactory(area=area, author=author, title="초안", state="draft", moderation_status="")
    ProposalFactory(
        area=area,
        author=author,
        title="검토 대기",
        state=ProposalState.SUBMITTED,
        moderation_status=ModerationStatus.PENDING,
    )
    ProposalFactory(area=area, author=author, title="반려", moderation_status="rejected")
    ProposalFactory(area=area, author=author, title="숨김", moderation_status="hidden")
    ProposalFactory(area=PolicyAreaFactory(), author=author, title="다른 분야")
    for suffix, read in (("rss", _rss_titles), ("atom", _atom_titles)):
        response = client.get(f"/ko/participate/areas/{area.slug}/feed/{suffix}/")
        assert sorted(read(response)) == ["공개 제안", "철회 제안"]
        assert response["Cache-Control"] == "public, max-age=300"
    assert client.get("/ko/participate/areas/nowhere/feed/rss/").status_code == 404


def test_proposal_feed_timeline_and_published_comments(client, area, author, user, moderator):
    proposal = ProposalFactory(area=area, author=author)
    comments.create_comment(actor=user, proposal=proposal, body="찬성하는 의견", stance="for")
    bad = comments.create_comment(actor=user, proposal=proposal, body="숨길 비밀 의견")
    moderation.hide(actor=moderator, obj=bad, reason="개인정보")
    proposal.refresh_from_db()
    services.withdraw_proposal(actor=author, proposal=proposal, reason="다른 제안과 합칩니다")
    for suffix in ("rss", "atom"):
        response = client.get(f"/en/participate/{proposal.pk}/feed/{suffix}/")
        body = response.content.decode()
        assert "찬성하는 의견" in body and "숨길 비밀 의견" not in body
        assert "다른 제안과 합칩니다" in body  # the withdrawal, in the timeline
        titles = (_rss_titles if suffix == "rss" else _atom_titles)(response)
        assert "Withdrawn" in titles and "Published: collecting supports" in titles
        assert any(t.startswith("Comment by") for t in titles)


@pytest.mark.parametrize(
    "changes",
    [
        {"state": "draft", "moderation_status": ""},
        {"state": ProposalState.SUBMITTED, "moderation_status": ModerationStatus.PENDING},
        {"moderation_status": ModerationStatus.REJECTED},
        {"moderation_status": ModerationStatus.HIDDEN},
    ],
)
def test_non_public_proposal_has_no_feed(client, area, author, changes):
    proposal = ProposalFactory(area=area, author=author, **changes)
    client.force_login(author)  # not even for its author: feeds are public documents
    for suffix in ("rss", "atom"):
        assert client.get(f"/ko/participate/{proposal.pk}/feed/{suffix}/").status_code == 404


def test_feeds_linked_from_the_proposal_page(client, proposal):
    html = client.get(f"/ko/participate/{proposal.pk}/").content.decode()
    assert f"/ko/participate/{proposal.pk}/feed/rss/" in html
    assert f"/ko/participate/areas/{proposal.area.slug}/feed/atom/" in html


def test_feed_queries_are_bounded(client, area, author, user, django_assert_max_num_queries):
    proposal = ProposalFactory(area=area, author=author)
    for n in range(5):
        proposal.refresh_from_db()
        comments.create_comment(actor=user, proposal=proposal, body=f"의견 {n}")
        ProposalFactory(area=area, author=author)
    with django_assert_max_num_queries(8):
        client.get(f"/ko/participate/{proposal.pk}/feed/atom/")
    with django_assert_max_num_queries(6):
        client.get(f"/ko/participate/areas/{area.slug}/feed/rss/")
