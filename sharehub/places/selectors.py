from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from sharehub.core.i18n import localized_order
from sharehub.moderation.models import ModerationStatus
from sharehub.organizations.models import Organization
from sharehub.organizations.selectors import published_organizations

from .models import District


def _by_localized_name(field: str = "name") -> Coalesce:
    # Sort by the name the reader sees: the English list in English order, falling back to Korean.
    return localized_order(field)


def district_list() -> QuerySet[District]:
    """Districts without their (large) boundaries, for lists and choices."""
    return District.objects.defer("boundary").order_by("name_ko")


def get_district(*, slug: str) -> District:
    return get_object_or_404(District, slug=slug)


def get_district_by_code(*, code: str) -> District:
    return get_object_or_404(District, code=code)


def districts_with_organization_counts() -> QuerySet[District]:
    """Every district with `organization_count`, its published organizations, in one query."""
    published = Count(
        "organizations", filter=Q(organizations__moderation_status=ModerationStatus.PUBLISHED)
    )
    return (
        district_list()
        .annotate(organization_count=published)
        .order_by(_by_localized_name(), "code")
    )


def district_boundaries() -> QuerySet[District]:
    """Districts that have a boundary, with only what a map layer needs."""
    return (
        District.objects.exclude(boundary__isnull=True)
        .only("code", "slug", "name_ko", "name_en", "boundary")
        .order_by("code")
    )


def published_organizations_in(*, district: District) -> QuerySet[Organization]:
    return published_organizations().filter(district=district).order_by(_by_localized_name(), "pk")
