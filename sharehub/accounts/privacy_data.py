"""The account's own part of the privacy registry: profile, consents, tokens, e-mail addresses."""

from __future__ import annotations

import hashlib
import ipaddress
from typing import Any

from allauth.account import app_settings as allauth_account
from allauth.account.models import EmailAddress
from allauth.core.internal.ratelimit import parse_rates, truncate_ip
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.utils import timezone

from sharehub.core import privacy

from .models import User


def account_identifiers(user: User) -> set[str]:
    return {
        user.email,
        user.display_name,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
        *(ip for ip in user.consents.values_list("ip_address", flat=True) if ip),
        *SocialAccount.objects.filter(user=user).values_list("uid", flat=True),
    }


def export_account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "home_district": user.home_district.code if user.home_district else None,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
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
            {
                "kind": c.kind,
                "version": c.version,
                "given_at": c.given_at.isoformat(),
                "ip_address": c.ip_address,
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in user.consents.order_by("given_at", "pk")
        ],
        # Kakao or Naver accounts used to log in, with what the provider shared (no tokens are kept).
        "social_accounts": [
            {
                "provider": a.provider,
                "uid": a.uid,
                "connected_at": a.date_joined.isoformat(),
                "last_login": a.last_login.isoformat() if a.last_login else None,
                "shared_data": a.extra_data,
            }
            for a in SocialAccount.objects.filter(user=user).order_by("pk")
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


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _forget_rate_limits(identifiers: frozenset[str]) -> None:
    """allauth counts requests under the IP address in clear, and under the e-mail address hashed
    (password reset, confirmation): drop the counts kept for the person's known addresses. The
    failed-login counts (account and address, hashed) expire within minutes."""
    ips = {truncate_ip(value) for value in identifiers if _is_ip(value)}
    hashes = {hashlib.sha256(value.encode()).hexdigest() for value in identifiers if "@" in value}
    keys = []
    for action, rates in allauth_account.RATE_LIMITS.items():
        for rate in parse_rates(rates):
            prefix = f"allauth:rl:allauth.account:{action}:{rate}"
            if rate.per == "ip":
                keys += [f"{prefix}:ip:{ip}" for ip in ips]
            elif rate.per == "key":
                keys += [f"{prefix}:{digest}" for digest in hashes]
    cache.delete_many(keys)


def erase_account(user: User) -> None:
    """Runs last (the registry orders it so): the row stays for anonymised contributions.

    Open sessions end by themselves: an inactive user with a new password hash is logged out.
    """
    identifiers = privacy.identifiers_of(user)
    _forget_rate_limits(identifiers)
    # The administration site's history names the account as it was (its e-mail or name).
    for entry in LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ):
        entry.object_repr = privacy.ERASED
        entry.change_message = privacy.scrub(entry.change_message, identifiers)
        entry.save(update_fields=["object_repr", "change_message"])
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
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
