"""Account writes: profile, consent, API tokens, data export, account deletion, and the
administrators' staff management (roles, a lost second factor)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from typing import Any, TypedDict, Unpack

from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from sharehub.core import privacy
from sharehub.core.actors import Actor
from sharehub.core.audit import log_action
from sharehub.core.changes import apply_changes
from sharehub.core.locking import lock_pk
from sharehub.notifications.services import notify
from sharehub.places.models import District

from .consents import (
    CONSENTS_BY_KIND,
    OPTIONAL_KINDS,
    REQUIRED_KINDS,
    SIGNUP_CONSENTS,
    missing_message,
)
from .models import ApiToken, Consent, User
from .roles import is_administrator, signed_in_user
from .signals import consent_changed

TOKEN_PREFIX = "shk_"


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ProfileChanges(TypedDict, total=False):
    """What a person changes on their profile page."""

    display_name: str
    preferred_language: str
    home_district: District | None


PROFILE_FIELDS: tuple[str, ...] = tuple(ProfileChanges.__annotations__)


def _record_consent(
    *, user: User, kind: str, version: str, ip_address: str | None = None
) -> Consent:
    """The consent in force for this version, recorded now if it is not already."""
    consent, _created = Consent.objects.get_or_create(
        user=user,
        kind=kind,
        version=version,
        withdrawn_at=None,
        defaults={"ip_address": ip_address or None},
    )
    return consent


@transaction.atomic(durable=True)
def record_consent(
    *, user: User, version: str, kind: str = Consent.Kind.TERMS, ip_address: str | None = None
) -> Consent:
    """Record agreement to a version (once per version while in force)."""
    return _record_consent(user=user, kind=kind, version=version, ip_address=ip_address)


@transaction.atomic(durable=True)
def complete_signup_profile(
    *,
    user: User,
    display_name: str,
    preferred_language: str,
    home_district: District | None,
    consents: Collection[str],
    ip_address: str | None = None,
) -> User:
    """The profile and the consents given on the sign-up form (allauth has saved the account).

    Every required consent must be among `consents` (the kinds given); each one given is
    recorded at its current version with the time and the address it came from."""
    missing = REQUIRED_KINDS - set(consents)
    unknown = set(consents) - set(CONSENTS_BY_KIND)
    if missing or unknown:
        raise ValidationError(
            {CONSENTS_BY_KIND[kind].field_name: missing_message(kind) for kind in sorted(missing)}
            or _("Unknown consent.")
        )
    user.display_name = display_name.strip()
    user.preferred_language = preferred_language
    user.home_district = home_district
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "preferred_language", "home_district"])
    for spec in SIGNUP_CONSENTS:
        if spec.kind in consents:
            consent = _record_consent(
                user=user, kind=spec.kind, version=spec.version, ip_address=ip_address
            )
            _announce(consent, given=True)
    return user


def _announce(consent: Consent, *, given: bool) -> None:
    consent_changed.send(sender=Consent, user=consent.user, kind=consent.kind, given=given)


@transaction.atomic(durable=True)
def set_optional_consent(
    *, actor: Actor, kind: str, given: bool, ip_address: str | None = None
) -> Consent | None:
    """Give or withdraw one of the optional consents (the newsletter) from the privacy page.

    A withdrawal keeps the row with its time; giving it again records a new row at the current
    version. Returns the consent in force afterwards, or None. Locks the person's row, so two
    clicks record one change."""
    user = signed_in_user(actor)
    if kind not in OPTIONAL_KINDS:
        raise ValidationError({"kind": _("This consent cannot be changed here.")})
    lock_pk(User, user.pk)
    in_force = Consent.objects.filter(user=user, kind=kind, withdrawn_at__isnull=True)
    if given:
        spec = CONSENTS_BY_KIND[kind]
        consent = in_force.filter(version=spec.version).first()
        if consent is None:
            consent = _record_consent(
                user=user, kind=kind, version=spec.version, ip_address=ip_address
            )
            _announce(consent, given=True)
        return consent
    withdrawn = list(in_force)
    if withdrawn:
        in_force.update(withdrawn_at=timezone.now())
        _announce(withdrawn[0], given=False)
    return None


def consents_in_force(user: User) -> set[str]:
    """The kinds of consent the person has given and not withdrawn (any version)."""
    return set(
        Consent.objects.filter(user=user, withdrawn_at__isnull=True).values_list("kind", flat=True)
    )


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


# --- Staff management by administrators -----------------------------------------------------

SECURITY_KIND = "accounts.security"


class StaffRole(models.TextChoices):
    """The roles an administrator gives in the hub's pages (editors are city staff, roles.py).
    The administrator role itself is not given here: the last one could lock the city out."""

    CITY_STAFF = "city_staff", _("City staff")
    MODERATOR = "moderator", _("Moderator")


ROLE_FLAG = {StaffRole.CITY_STAFF: "is_city_staff", StaffRole.MODERATOR: "is_moderator"}

ROLE_NOTICES = {
    True: (
        _("You are now %(role)s"),
        _(
            "An administrator gave your account the role %(role)s. Reason: %(reason)s. "
            "The next time you log in you will set up two-factor authentication if you have not "
            "yet; your API tokens were revoked."
        ),
    ),
    False: (
        _("You are no longer %(role)s"),
        _(
            "An administrator removed the role %(role)s from your account. Reason: %(reason)s. "
            "Your API tokens were revoked."
        ),
    ),
}


def _staff_target(actor: Actor, user: User, reason: str) -> tuple[User, User, str]:
    """The administrator and the person's locked row; nobody manages their own account."""
    admin = signed_in_user(actor)
    if not is_administrator(admin) or admin.pk == user.pk:
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, for the record and for the person.")})
    target = lock_pk(User, user.pk)
    if not target.is_active or target.deleted_at:
        raise ValidationError(_("This account is closed."))
    return admin, target, reason


@transaction.atomic(durable=True)
def set_staff_role(*, actor: Actor, user: User, role: str, granted: bool, reason: str) -> bool:
    """Give (`granted`) or remove a staff role; returns whether anything changed.

    Administrators only, never on their own account. Saving the flag through `User.save` revokes
    the person's API tokens (a role change does, wherever it is made); the decision is audited and
    the person told. Locks the person's row."""
    if role not in ROLE_FLAG:
        raise ValidationError({"role": _("Choose a role.")})
    admin, target, reason = _staff_target(actor, user, reason)
    flag = ROLE_FLAG[StaffRole(role)]
    if getattr(target, flag) == granted:
        return False
    setattr(target, flag, granted)
    target.save(update_fields=[flag])
    log_action(
        actor=admin,
        action="accounts.role_granted" if granted else "accounts.role_removed",
        target=target,
        reason=reason,
        data={"role": role},
    )
    title, body = ROLE_NOTICES[granted]
    notify(
        user=target,
        kind=SECURITY_KIND,
        title=title,
        body=body,
        params={"role": StaffRole(role).label, "reason": reason},
    )
    user.refresh_from_db()
    return True


@transaction.atomic(durable=True)
def reset_two_factor(*, actor: Actor, user: User, reason: str) -> int:
    """An administrator removes a person's lost second factor (authenticator app, recovery codes,
    security keys); returns how many were removed.

    The person's open sessions end (a new session stamp) and their API tokens are revoked, so
    whoever holds the lost device holds nothing; at the next login a privileged person sets up
    TOTP again (the middleware sends them there). Audited, the person told. Locks their row."""
    admin, target, reason = _staff_target(actor, user, reason)
    removed, _by_model = Authenticator.objects.filter(user=target).delete()
    target.session_stamp = get_random_string(32)
    target.save(update_fields=["session_stamp"])
    ApiToken.objects.filter(user=target, revoked_at__isnull=True).update(revoked_at=timezone.now())
    log_action(
        actor=admin,
        action="accounts.two_factor_reset",
        target=target,
        reason=reason,
        data={"removed": removed},
    )
    notify(
        user=target,
        kind=SECURITY_KIND,
        title=_("Your two-factor authentication was reset"),
        body=_(
            "An administrator removed your authenticator app and recovery codes. Reason: "
            "%(reason)s. You were logged out everywhere and your API tokens were revoked; "
            "the next time you log in you will set up the authenticator app again. If you did "
            "not ask for this, tell the city's administrators at once."
        ),
        params={"reason": reason},
    )
    user.refresh_from_db()
    return removed
