from __future__ import annotations

from django.db.models import QuerySet

from sharehub.moderation.models import ModerationStatus

from .models import Membership, Organization


def published_organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(moderation_status=ModerationStatus.PUBLISHED).select_related("district")


def recent_published_organizations(*, limit: int = 6) -> list[Organization]:
    return list(published_organizations().order_by("-created_at")[:limit])


def memberships_of(*, user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization").order_by("organization__name_ko")
