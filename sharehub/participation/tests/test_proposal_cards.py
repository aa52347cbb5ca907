"""A proposal's supports (`{% support_progress %}`), with and without a threshold, in both
languages, as the included template it replaced wrote them."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import formats, timezone, translation

from sharehub.participation.models import Proposal

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db


def _render(proposal, language: str) -> str:
    with translation.override(language):
        return Template("{% load proposal_cards %}{% support_progress proposal %}").render(
            Context({"proposal": proposal})
        )


def test_towards_a_threshold_a_bar_that_stops_at_it():
    proposal = ProposalFactory.build(support_threshold=100, supports_count=12)
    assert _render(proposal, "en") == (
        '<p class="support-progress"><progress max="100" value="12" aria-label="Supports">12%'
        "</progress>\n  12 of 100 supports</p>"
    )
    proposal.supports_count = 130
    assert _render(proposal, "ko") == (
        '<p class="support-progress"><progress max="100" value="100" aria-label="지지">100%'
        "</progress>\n  지지 130 / 100</p>"
    )


def test_without_a_threshold_the_count_alone():
    proposal = ProposalFactory.build(support_threshold=0, supports_count=1)
    assert _render(proposal, "en") == '<p class="meta">1 support</p>'
    proposal.supports_count = 7
    assert _render(proposal, "ko") == '<p class="meta">지지 7건</p>'


def test_the_list_card_of_a_proposal():
    from sharehub.places.tests.factories import DistrictFactory

    proposal = ProposalFactory(title="공구 <도서관>", language="ko")
    proposal.districts.add(DistrictFactory(name_ko="마포구"), DistrictFactory(name_ko="은평구"))
    proposal = (
        Proposal.objects.select_related("area").prefetch_related("districts").get(pk=proposal.pk)
    )
    html = Template("{% load proposal_cards %}{% proposal_card proposal %}")
    with translation.override("en"):
        english = html.render(Context({"proposal": proposal}))
        names = ", ".join(district.name for district in proposal.districts.all())
        area = proposal.area.name
        published = timezone.localtime(proposal.published_at)
        day = formats.date_format(published, "DATE_FORMAT")
    assert english.startswith(
        f'<li class="card proposal-card"><p class="meta">{area} · <strong>'
        f"Collecting supports</strong> · {names} "
        '<span class="tag lang-note">Korean only</span></p>'
        f'<h3 lang="ko"><a href="/en/participate/{proposal.pk}/">공구 &lt;도서관&gt;</a></h3>'
        '<p class="support-progress">'
    )
    assert english.endswith(
        f'<p class="meta"><time datetime="{published.replace(microsecond=0).isoformat()}">'
        f"{day}</time>"
        f"<!--supported:{proposal.pk}--></p></li>"
    )
    with translation.override("ko"):
        korean = html.render(Context({"proposal": proposal}))
    assert "lang-note" not in korean


def test_the_lists_cards_read_only_what_a_card_shows_and_nothing_after(district):
    """`selectors.cards`: the card's columns only (no body, no author), and rendering a card
    in either language reads nothing more (a deferred column read per card is a query each)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sharehub.participation import selectors

    for _ in range(2):
        ProposalFactory().districts.add(district)
    # An area named in English only: the Korean card falls back to it, read with the row.
    ProposalFactory(area__name_ko="", area__name_en="Sharing spaces").districts.add(district)
    read = list(selectors.cards(selectors.proposal_list()))
    with CaptureQueriesContext(connection) as captured:
        for language in ("ko", "en"):
            with translation.override(language):
                html = "".join(
                    Template("{% load proposal_cards %}{% proposal_card proposal %}").render(
                        Context({"proposal": proposal})
                    )
                    for proposal in read
                )
                assert all(str(proposal.area.name) in html for proposal in read)
                assert "Sharing spaces" in html
                assert html.count(str(district.name)) == 3
    assert captured.captured_queries == []
    assert {"body", "author_id", "agenda_committee_id"} <= read[0].get_deferred_fields()
