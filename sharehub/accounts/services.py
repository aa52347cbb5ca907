"""Account writes: profile, consent, API tokens, data export and account deletion."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, TypedDict, Unpack

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from sharehub.core import privacy
from sharehub.core.actors import Actor
from sharehub.core.changes import apply_changes
from sharehub.core.locking import lock_pk
from sharehub.places.models import District

from .models import ApiToken, Consent, User
from .roles import signed_in_user

TOKEN_PREFIX = "shk_"


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ProfileChanges(TypedDict, total=False):
    """What a person changes on their profile page."""

    display_name: str
    preferred_language: str
    home_district: District | None


PROFILE_FIELDS: tuple[str, ...] = tuple(ProfileChanges.__annotations__)


def _record_consent(*, user: User, version: str, kind: str) -> Consent:
    consent, _ = Consent.objects.get_or_create(user=user, kind=kind, version=version)
    return consent


@transaction.atomic(durable=True)
def record_consent(*, user: User, version: str, kind: str = Consent.Kind.TERMS) -> Consent:
    """Record agreement to a version of the terms (once per version)."""
    return _record_consent(user=user, version=version, kind=kind)


@transaction.atomic(durable=True)
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
    _record_consent(user=user, version=terms_version, kind=Consent.Kind.TERMS)
    return user


def _strip(name: str, value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


@transaction.atomic(durable=True)
def update_profile(*, actor: Actor, user: User, **changes: Unpack[ProfileChanges]) -> User:
    """A person changes their own profile (nobody else's)."""
    if signed_in_user(actor).pk != user.pk:
        raise PermissionDenied
    # The profile form may already have set the values on this instance: save every field sent.
    apply_changes(user, fields=PROFILE_FIELDS, data=changes, clean=_strip)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(changes))
    return user


@transaction.atomic(durable=True)
def create_api_token(*, actor: Actor, name: str) -> tuple[ApiToken, str]:
    """Return the token row and its secret; the secret is never stored and cannot be shown again."""
    owner = signed_in_user(actor)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=owner,
        name=name.strip(),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_token(secret),
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic(durable=True)
def revoke_api_token(*, actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens (DoesNotExist for anyone else's). Locks its row."""
    owner = signed_in_user(actor)
    if not ApiToken.objects.filter(pk=token_id, user=owner).exists():
        raise ApiToken.DoesNotExist
    token = lock_pk(ApiToken, token_id)
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


@transaction.atomic(durable=True)
def delete_account(*, actor: Actor, user: User) -> None:
    """Erase personal data everywhere, keep public contributions anonymised (DESIGN §4)."""
    if signed_in_user(actor).pk != user.pk:
        raise PermissionDenied
    privacy.erase(user)
