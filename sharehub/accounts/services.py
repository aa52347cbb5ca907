"""Account writes: profile, consent, API tokens, data export and account deletion."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from sharehub.core import privacy
from sharehub.places.models import District

from .models import ApiToken, Consent, User

TOKEN_PREFIX = "shk_"


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def record_consent(*, user: User, version: str, kind: str = Consent.Kind.TERMS) -> Consent:
    consent, _ = Consent.objects.get_or_create(user=user, kind=kind, version=version)
    return consent


@transaction.atomic
def complete_signup_profile(
    *,
    user: User,
    display_name: str,
    preferred_language: str,
    home_district: District | None,
    terms_version: str,
) -> User:
    user.display_name = display_name.strip()
    user.preferred_language = preferred_language
    user.home_district = home_district
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "preferred_language", "home_district"])
    record_consent(user=user, version=terms_version)
    return user


@transaction.atomic
def update_profile(*, actor: User, user: User, **fields: Any) -> User:
    if actor.pk != user.pk:
        raise PermissionDenied
    allowed = {"display_name", "preferred_language", "home_district"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"{name} cannot be changed here")
        setattr(user, name, value.strip() if isinstance(value, str) else value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(fields))
    return user


@transaction.atomic
def create_api_token(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Return the token row and its secret; the secret is never stored and cannot be shown again."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor,
        name=name.strip(),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_token(secret),
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def revoke_api_token(*, actor: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
    if token is None:
        raise ApiToken.DoesNotExist
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_token(secret: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    # Touch at most once a minute so a busy script does not write on every call.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def export_user_data(*, user: User) -> dict[str, Any]:
    return {
        "format": "sharehub-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        "data": {handler.name: handler.export(user) for handler in privacy.handlers()},
    }


@transaction.atomic
def delete_account(*, actor: User, user: User) -> None:
    """Erase personal data everywhere, keep public contributions anonymised (DESIGN §4)."""
    if actor.pk != user.pk:
        raise PermissionDenied
    privacy.erase(user)
