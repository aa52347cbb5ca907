"""What the search index holds for a proposal, how the hub's search page shows one, and the call
that refreshes it."""

from __future__ import annotations

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from sharehub.search.documents import SearchDocument
from sharehub.search.registry import SearchKind
from sharehub.search.services import index_object

from .models import Proposal
from .selectors import public_proposals

# Saved alone, these may make a proposal public or not.
PROPOSAL_STATE_FIELDS = ("state", "moderation_status")


def proposal_document(proposal: Proposal) -> SearchDocument:
    """The title and the text as its author wrote them (in one language), amendments included;
    the area as keywords; the districts it concerns (none: the whole city)."""
    text = "\n".join(
        strip_tags(part)
        for part in [proposal.body, *(a.text for a in proposal.amendments.all())]
        if part
    )
    area = proposal.area
    districts = list(proposal.districts.all())
    keywords = [area.name_ko or "", area.name_en or ""]
    display = (proposal.title, text)
    return SearchDocument(
        title=proposal.title,
        body=text,
        keywords=" ".join(part for part in keywords if part),
        display={"ko": display, "en": display},
        districts=tuple(d.code for d in districts),
        city_wide=not districts,
    )


def describe_proposal(proposal: Proposal) -> str:
    """The line under a proposal on the hub's search page: its area and its state."""
    return f"{proposal.area} · {proposal.get_state_display()}"


PROPOSAL_KIND = SearchKind(
    "proposals",
    _("Policy proposals"),
    order=40,
    queryset=lambda: public_proposals().select_related("area"),
    describe=describe_proposal,
)


def reindex_proposal(proposal: Proposal) -> None:
    """Inside the writing transaction: a public proposal is indexed, any other taken out."""
    index_object(proposal)
