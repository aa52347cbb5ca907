"""RSS 2.0 and Atom feeds of policy participation: the new public proposals of a policy area, and
one public proposal's timeline with its published comments.

Only what the public pages show: the selectors start from `public_proposals()` (never a draft, a
pending, rejected or hidden proposal; a withdrawn one is public, marked withdrawn) and published
comments (a hidden comment never)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sharehub.core.i18n import hub_name
from sharehub.participation.models import PolicyArea, Proposal
from sharehub.participation.selectors import comments as selectors
from sharehub.participation.selectors.comments import FeedItem

FEED_LABELS = {
    "comment": gettext_lazy("Comment by %(name)s (%(stance)s)"),
    "reply": gettext_lazy("Reply by %(name)s"),
    "former": gettext_lazy("A former member"),
}


def _tag_uri(day_of, key: str) -> str:
    """tag:<the hub's host>,<day>:<key> (RFC 4151): Atom's ids stay when addresses change."""
    host = (urlsplit(settings.SHAREHUB_SITE_URL).hostname or "").lower()
    if not host or ":" in host:
        host = "localhost"
    return f"tag:{host},{timezone.localdate(day_of).isoformat()}:{key}"


class _PublicFeed(Feed):
    feed_type: type = Rss201rev2Feed
    rss_name = ""
    atom_name = ""

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "public, max-age=300"
        return response

    @property
    def is_atom(self) -> bool:
        return issubclass(self.feed_type, Atom1Feed)


class AreaFeed(_PublicFeed):
    """New public proposals in one policy area, newest first."""

    def get_object(self, request, slug: str) -> PolicyArea:
        return selectors.feed_area(slug)

    def title(self, obj: PolicyArea) -> str:
        return _("%(hub)s: new policy proposals in “%(area)s”") % {
            "hub": hub_name(),
            "area": obj.name,
        }

    def description(self, obj: PolicyArea) -> str:
        return _("Policy proposals published in this area, newest first.")

    def link(self, obj: PolicyArea) -> str:
        return reverse("participation:list") + f"?area={obj.slug}&sort=newest"

    def feed_url(self, obj: PolicyArea) -> str:
        name = "participation:area_atom" if self.is_atom else "participation:area_rss"
        return reverse(name, kwargs={"slug": obj.slug})

    def items(self, obj: PolicyArea) -> list[Proposal]:
        return list(selectors.area_feed_proposals(obj))

    def item_title(self, item: Proposal) -> str:
        return item.title

    def item_description(self, item: Proposal) -> str:
        return item.body  # sanitized HTML

    def item_link(self, item: Proposal) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Proposal) -> str:
        if self.is_atom:
            return _tag_uri(item.created_at, f"proposal-{item.pk}")
        return f"sharehub-proposal-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Proposal):
        return item.published_at

    def item_updateddate(self, item: Proposal):
        return max(item.updated_at, item.published_at or item.updated_at)

    def item_author_name(self, item: Proposal) -> str:
        return item.author.display_name if item.author else str(FEED_LABELS["former"])

    def item_categories(self, item: Proposal) -> list[str]:
        return [item.area.name, str(item.get_state_display())]


class AtomAreaFeed(AreaFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: PolicyArea) -> str:
        return self.description(obj)


class ProposalFeed(_PublicFeed):
    """One public proposal: its timeline (submission, publication, amendments, the agenda, the
    committee's and the city's answers, withdrawal or closing) and its published comments."""

    def get_object(self, request, pk: int) -> Proposal:
        return selectors.feed_proposal(pk)

    def title(self, obj: Proposal) -> str:
        return _("%(hub)s: the proposal “%(proposal)s”") % {
            "hub": hub_name(),
            "proposal": obj.title,
        }

    def description(self, obj: Proposal) -> str:
        return _("What happens to this proposal, and its comments, newest first.")

    def link(self, obj: Proposal) -> str:
        return obj.get_absolute_url()

    def feed_url(self, obj: Proposal) -> str:
        name = "participation:proposal_atom" if self.is_atom else "participation:proposal_rss"
        return reverse(name, kwargs={"pk": obj.pk})

    def items(self, obj: Proposal) -> list[FeedItem]:
        return selectors.proposal_feed_items(obj, labels=FEED_LABELS)

    def item_title(self, item: FeedItem) -> str:
        return item.title

    def item_description(self, item: FeedItem) -> str:
        return item.text

    def item_link(self, item: FeedItem) -> str:
        return item.url

    def item_guid(self, item: FeedItem) -> str:
        if self.is_atom:
            return _tag_uri(item.when, item.key)
        return f"sharehub-{item.key}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: FeedItem):
        return item.when

    def item_author_name(self, item: FeedItem) -> str:
        return item.author


class AtomProposalFeed(ProposalFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Proposal) -> str:
        return self.description(obj)
