"""Similar proposals while typing a title: the shared search, public proposals only, at most
five, nothing for an empty or one-letter title, Korean as people write it."""

from __future__ import annotations

from html import unescape

import pytest

from sharehub.moderation.models import ModerationStatus
from sharehub.participation.models import Proposal, ProposalState
from sharehub.participation.search_index import reindex_proposal
from sharehub.participation.selectors.similar import similar_proposals

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db
URL = "/ko/participate/similar/"


def indexed(**fields) -> Proposal:
    proposal = ProposalFactory(**fields)
    reindex_proposal(proposal)
    return proposal


def test_public_proposals_like_the_title_are_suggested(client, area):
    bikes = indexed(area=area, title="공유자전거 대여소를 늘려 주세요")
    indexed(area=area, title="공공 도서관 야간 개방")
    response = client.get(URL, {"title": "공유자전거 대여소"})
    assert response.status_code == 200
    html = response.content.decode()
    assert bikes.get_absolute_url() in html and bikes.title in html
    assert "공공 도서관 야간 개방" not in html
    assert "<html" not in html  # a partial for htmx to put under the title


def test_korean_as_typed_finds_the_proposal(area):
    tools = indexed(area=area, title="동네 공구도서관 확대")
    indexed(area=area, title="주차장 공유 활성화")
    assert tools in similar_proposals("공구도서관")
    assert tools in similar_proposals("공구도서관을 늘려요")  # a particle and another ending
    assert [p.title for p in similar_proposals("주차장을 같이 쓰자")] == ["주차장 공유 활성화"]


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (ProposalState.DRAFT, ""),
        (ProposalState.SUBMITTED, ModerationStatus.PENDING),
        (ProposalState.SUBMITTED, ModerationStatus.REJECTED),
        (ProposalState.COLLECTING, ModerationStatus.HIDDEN),
    ],
)
def test_only_public_proposals_are_suggested(client, area, state, status):
    hidden = indexed(area=area, title="비공개 공유창고 제안", state=state, moderation_status=status)
    public = indexed(area=area, title="공개 공유창고 제안")
    html = client.get(URL, {"title": "공유창고"}).content.decode()
    assert public.get_absolute_url() in html
    assert hidden.get_absolute_url() not in html and "비공개" not in html
    # even if the index still held it (a stale entry), the selector re-checks
    Proposal.objects.filter(pk=public.pk).update(moderation_status=ModerationStatus.HIDDEN)
    assert public not in similar_proposals("공유창고")


@pytest.mark.parametrize("title", ["", " ", "공", "   a  "])
def test_an_empty_or_one_letter_title_suggests_nothing(client, area, title):
    indexed(area=area, title="공유 공간 개방")
    response = client.get(URL, {"title": title})
    assert response.status_code == 200
    assert response.content.decode().strip() == ""
    assert client.get(URL).status_code == 200  # no parameter at all


def test_at_most_five_and_not_the_proposal_being_edited(client, area):
    proposals = [indexed(area=area, title=f"공유주방 운영 지원 {n}") for n in range(7)]
    found = similar_proposals("공유주방 운영")
    assert len(found) == 5
    html = client.get(URL, {"title": "공유주방 운영", "exclude": proposals[0].pk}).content
    assert f'href="{proposals[0].get_absolute_url()}"' not in html.decode()
    assert html.decode().count("<li>") == 5


def test_junk_and_long_input_are_harmless(client, area):
    indexed(area=area, title="공유 공간 개방")
    for title in ["<script>alert(1)</script>", "'; DROP TABLE x; --", "가" * 5000, "%%%"]:
        response = client.get(URL, {"title": title, "exclude": "x"})
        assert response.status_code == 200
        assert "<script>" not in response.content.decode()


def test_the_form_asks_for_similar_proposals_as_one_types(client, author):
    client.force_login(author)
    html = client.get("/ko/participate/new/").content.decode()
    assert f'data-hx-get="{URL}"' in html
    assert 'data-hx-trigger="input changed delay:400ms"' in html
    assert 'id="similar-proposals"' in html and 'data-hx-target="#similar-proposals"' in html


def test_the_edit_form_leaves_out_the_proposal_itself(client, area, author):
    proposal = ProposalFactory(
        area=area, author=author, state=ProposalState.DRAFT, moderation_status=""
    )
    client.force_login(author)
    html = client.get(f"/ko/participate/{proposal.pk}/edit/").content.decode()
    # The widget's attribute, however its quotes are escaped (&quot; or &#34;).
    assert f'{{"exclude": {proposal.pk}}}' in unescape(html)
