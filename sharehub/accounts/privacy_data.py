"""The account's own part of the privacy registry: profile, consents, tokens, e-mail addresses."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.utils import timezone

from .models import User


def export_account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "home_district": user.home_district.code if user.home_district else None,
        "date_joined": user.date_joined.isoformat(),
        "roles": {
            "city_staff": user.is_city_staff,
            "moderator": user.is_moderator,
            "administrator": user.is_superuser,
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "consents": [
            {"kind": c.kind, "version": c.version, "given_at": c.given_at.isoformat()} for c in user.consents.all()
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": t.created_at.isoformat(),
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in user.api_tokens.all()
        ],
        "two_factor": [a.type for a in Authenticator.objects.filter(user=user)],
    }


def erase_account(user: User) -> None:
    """Runs last (the registry orders it so): the row stays for anonymised contributions.

    Open sessions end by themselves: an inactive user with a new password hash is logged out.
    """
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.api_tokens.all().delete()
    user.consents.all().delete()
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.display_name = ""
    user.home_district = None
    user.is_active = False
    user.is_staff = user.is_superuser = user.is_city_staff = user.is_moderator = False
    user.deleted_at = timezone.now()
    user.set_unusable_password()
    user.save()
