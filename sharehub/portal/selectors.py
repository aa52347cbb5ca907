"""Reads that join districts (places) with what the apps above publish in them."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from sharehub.core.i18n import localized_order
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.models import Organization
from sharehub.organizations.selectors import published_organizations
from sharehub.places.models import District
from sharehub.places.selectors import district_list


def districts_with_organization_counts() -> QuerySet[District]:
    """Every district with `organization_count`, its published organizations, in one query."""
    published = Count(
        "organizations", filter=Q(organizations__moderation_status=ModerationStatus.PUBLISHED)
    )
    # Sorted by the name the reader sees: the English list in English order, falling back to Korean.
    return (
        district_list()
        .annotate(organization_count=published)
        .order_by(localized_order("name"), "code")
    )


def published_organizations_in(*, district: District) -> QuerySet[Organization]:
    return (
        published_organizations()
        .filter(district=district)
        .order_by(localized_order("name"), "pk")
        .select_related(None)
        .only("slug", "name_ko", "name_en", "kind")  # what a card shows
    )
