"""What the search index holds for a proposal, how the hub's search page shows one, and the call
that refreshes it."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from sharehub.search.documents import SearchDocument
from sharehub.search.registry import SearchKind
from sharehub.search.services import index_object

from .models import Proposal, Recommendation
from .selectors import public_proposals
from .selectors.review import public_recommendations

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


# A draft becomes public by its state alone (publish_recommendation indexes its content).
RECOMMENDATION_STATE_FIELDS = ("state",)


def recommendation_document(recommendation: Recommendation) -> SearchDocument:
    """A published recommendation: its title, its text and each decision (the proposal's title
    and the reasons, so it is found by the proposals it answers); the committee as keywords."""
    items = recommendation.items.select_related("proposal").order_by("pk")
    text = "\n".join(
        part
        for part in [
            strip_tags(recommendation.body),
            *(f"{item.proposal.title}\n{item.reasons}" for item in items),
        ]
        if part
    )
    committee = recommendation.committee
    display = (recommendation.title, text)
    return SearchDocument(
        title=recommendation.title,
        body=text,
        keywords=" ".join(part for part in [committee.name_ko, committee.name_en] if part),
        display={"ko": display, "en": display},
        city_wide=True,
    )


def describe_recommendation(recommendation: Recommendation) -> str:
    """The line under a recommendation on the hub's search page: its committee and its date."""
    published = recommendation.published_at
    day = formats.date_format(timezone.localtime(published), "DATE_FORMAT") if published else ""
    return " · ".join(part for part in [str(recommendation.committee), day] if part)


RECOMMENDATION_KIND = SearchKind(
    "recommendations",
    _("Committee recommendations"),
    order=41,
    queryset=lambda: public_recommendations().select_related("committee"),
    describe=describe_recommendation,
)
