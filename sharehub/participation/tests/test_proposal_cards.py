"""A proposal's supports (`{% support_progress %}`), with and without a threshold, in both
languages, as the included template it replaced wrote them."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

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
