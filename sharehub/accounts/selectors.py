"""Reads for the administrators' staff management."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import User

ROLE_FILTERS = {
    "privileged": Q(is_city_staff=True) | Q(is_moderator=True) | Q(is_superuser=True),
    "city_staff": Q(is_city_staff=True),
    "moderator": Q(is_moderator=True),
    "administrator": Q(is_superuser=True),
}


def people_for_staff_management(*, q: str = "", role: str = "") -> QuerySet[User]:
    """Open accounts matching `q` (part of the e-mail address or the display name) and `role`,
    people with roles first; `has_totp` says whether two-factor authentication is on.
    One query per page (the caller paginates)."""
    people = User.objects.filter(is_active=True, deleted_at__isnull=True)
    if q := q.strip():
        people = people.filter(Q(email__icontains=q) | Q(display_name__icontains=q))
    if role in ROLE_FILTERS:
        people = people.filter(ROLE_FILTERS[role])
    return people.annotate(
        has_totp=Exists(
            Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
        )
    ).order_by("-is_superuser", "-is_city_staff", "-is_moderator", "email")


def person_for_staff_management(user_id: int) -> User | None:
    return people_for_staff_management().filter(pk=user_id).first()
