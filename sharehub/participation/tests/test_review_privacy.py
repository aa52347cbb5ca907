"""Private by default: a committee's notes and draft recommendations reach its current members
and nobody else — not through pages, the API, the hub's search (page and index), feeds, CSV or
the "download my data" of another person."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from sharehub.accounts import services as account_services
from sharehub.participation.models import CommitteeNote, Recommendation, Review
from sharehub.participation.services import review as services
from sharehub.search.models import SearchEntry

from .review_setup import SECRET, board_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
API = "/api/v1/participation"
OUTSIDERS = [None, "citizen", "author", "outsider_member", "former", "city_staff", "moderator"]


@pytest.fixture
def secrets(board):
    """A note and a draft (with a decision) holding SECRET; a published recommendation beside."""
    services.assign_rapporteur(actor=board.chair, proposal=board.proposal, rapporteur=board.member)
    note = board.note()
    draft = board.draft()
    published = Recommendation.objects.create(
        committee=board.committee, title="공개 권고", body="<p>공개</p>", created_by=board.chair
    )
    published.items.create(proposal=board.second, verdict="recommend", reasons="공개 이유")
    services.publish_recommendation(actor=board.chair, recommendation=published)
    return {"note": note, "draft": draft, "published": published}


def _text(response) -> str:
    """The body as text; JSON decoded (it escapes Korean as \\uXXXX, which would hide it)."""
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def _login(client, board, who):
    client.logout()
    if who:
        client.force_login(getattr(board, who))


def _public_urls(board, secrets) -> list[str]:
    urls = [
        "/ko/participate/",
        f"/ko/participate/{board.proposal.pk}/",
        f"/ko/participate/{board.second.pk}/",
        "/ko/participate/committees/",
        f"/ko/participate/committees/{board.committee.slug}/",
        "/ko/participate/recommendations/",
        f"/ko/participate/recommendations/{secrets['published'].pk}/",
        f"/en/participate/committees/{board.committee.slug}/",
        f"{API}/proposals",
        f"{API}/proposals/{board.proposal.pk}",
        f"{API}/committees/{board.committee.slug}",
        f"{API}/recommendations",
        f"{API}/recommendations/{secrets['published'].pk}",
        # the search page repeats its query: ask for parts of the secret, never all of it
        "/ko/search/?q=XQZ",
        "/ko/search/?q=메모",
        "/ko/search/?q=권고",
        "/ko/search/suggestions/?q=비밀",
    ]
    for name, kwargs in (
        ("participation:proposal_rss", {"pk": board.proposal.pk}),
        ("participation:proposal_atom", {"pk": board.proposal.pk}),
        ("participation:area_rss", {"slug": board.area.slug}),
    ):
        urls.append(reverse(name, kwargs=kwargs))
    return urls


@pytest.mark.parametrize("who", OUTSIDERS)
def test_no_page_api_search_or_feed_shows_notes_or_drafts(client, board, secrets, who):
    _login(client, board, who)
    for url in _public_urls(board, secrets):
        body = _text(client.get(url))
        assert SECRET not in body, url
        assert "권고 초안" not in body, url
    # the published one is there (the checks above read real content)
    assert "공개 권고" in _text(client.get(f"{API}/recommendations"))
    assert "공개 이유" in _text(client.get(f"/ko/participate/{board.second.pk}/"))
    draft = secrets["draft"]
    for url in (
        f"/ko/participate/recommendations/{draft.pk}/",
        f"/ko/participate/committees/{board.committee.slug}/workspace/",
        f"{API}/recommendations/{draft.pk}",
    ):
        assert client.get(url).status_code in (404, 302), url
    for url in (
        f"{API}/committees/{board.committee.slug}/notes",
        f"{API}/committees/{board.committee.slug}/drafts",
    ):
        assert client.get(url).status_code == (401 if who is None else 404), url


def test_members_do_see_them(client, board, secrets):
    client.force_login(board.member)
    for url in (
        f"/ko/participate/committees/{board.committee.slug}/workspace/",
        f"{API}/committees/{board.committee.slug}/notes",
        f"{API}/committees/{board.committee.slug}/drafts",
        f"{API}/recommendations/{secrets['draft'].pk}",
        f"/ko/participate/recommendations/{secrets['draft'].pk}/",
    ):
        assert SECRET in _text(client.get(url)), url


def test_search_index_holds_no_note_or_draft(board, secrets):
    from sharehub.search.selectors import hub_search

    for q in (SECRET, "비밀메모내용", "권고 초안"):
        for kind in hub_search(q):
            assert all(SECRET not in str(result) for result in kind.results), q
    # saving again (as an edit would) does not index them either
    secrets["note"].save()
    secrets["draft"].save()
    for entry in SearchEntry.objects.all():
        assert (
            SECRET
            not in f"{entry.title} {entry.body} {entry.terms} {json.dumps(entry.display, ensure_ascii=False)}"
        )
    from django.contrib.contenttypes.models import ContentType

    for model in (CommitteeNote, Review):
        assert not SearchEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model)
        ).exists()
    # Of the recommendations, only the published one (test_leftovers_review).
    indexed = SearchEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Recommendation)
    ).values_list("object_id", flat=True)
    assert {int(pk) for pk in indexed} == {secrets["published"].pk}


def test_another_persons_data_export_has_no_notes(client, board, secrets):
    for who in ("citizen", "author", "chair", "outsider_member"):
        data = account_services.export_user_data(user=getattr(board, who))
        assert SECRET not in json.dumps(data, ensure_ascii=False, default=str), who
    # the member who wrote the note gets it in their own export
    mine = account_services.export_user_data(user=board.member)
    review = mine["data"]["participation.review"]
    assert [note["text"] for note in review["committee_notes"]] == [secrets["note"].text]
    assert review["rapporteur_of"][0]["proposal"] == board.proposal.pk
    # and through the page, as JSON
    client.force_login(board.citizen)
    response = client.get(reverse("accounts:export"))
    assert response.status_code == 200 and SECRET not in response.content.decode()


def test_erasure_keeps_the_notes_without_author(board, secrets):
    note = secrets["note"]
    CommitteeNote.objects.create(
        committee=board.committee,
        proposal=board.proposal,
        author=board.chair,
        text=f"{board.member.email} 에게 물어볼 것",
    )
    account_services.delete_account(actor=board.member, user=board.member)
    note.refresh_from_db()
    assert note.author is None and SECRET in note.text
    assert Review.objects.get(proposal=board.proposal).rapporteur is None
    assert not CommitteeNote.objects.filter(text__contains=board.member.email).exists()


def test_csv_exports_do_not_carry_them(client, board, secrets, city_staff):
    """The hub's CSV downloads (directory, designation) never read participation's notes; the
    staff's own download is checked as a signed-in privileged person."""
    client.force_login(city_staff)
    for name in ("directory:export", "designation:register_csv"):
        url = reverse(name)
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert SECRET.encode() not in content, name
