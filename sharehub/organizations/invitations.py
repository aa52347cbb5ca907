"""Invitation links: a token signed over the invitation's id (no personal data in the URL), valid for
settings.SHAREHUB_INVITATION_DAYS days. Tampering breaks the signature; the row's own state
(accepted, revoked, expires_at) decides the rest, so a used or revoked link stops working.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Invitation

SALT = "sharehub.organizations.invitation"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def make_token(invitation: Invitation) -> str:
    return _signer().sign(str(invitation.pk))


def _invalid() -> ValidationError:
    return ValidationError(
        {"token": [ValidationError(_("This invitation link is not valid."), code="invalid")]}
    )


def expired_error() -> ValidationError:
    return ValidationError(
        {
            "token": [
                ValidationError(
                    _("This invitation has expired. Ask the organization for a new one."),
                    code="expired",
                )
            ]
        }
    )


def invitation_for_token(token: str) -> Invitation:
    """The invitation the token names, whatever its state; ValidationError if forged or too old."""
    try:
        value = _signer().unsign(token, max_age=timedelta(days=settings.SHAREHUB_INVITATION_DAYS))
    except signing.SignatureExpired:
        raise expired_error() from None
    except signing.BadSignature:
        raise _invalid() from None
    if not value.isdigit():
        raise _invalid()
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=int(value))
        .first()
    )
    if invitation is None:
        raise _invalid()
    return invitation


def check_open(invitation: Invitation) -> None:
    """Raise the reason an invitation can no longer be accepted, if there is one."""
    if invitation.accepted_at is not None:
        raise ValidationError(
            {"token": [ValidationError(_("This invitation has already been used."), code="used")]}
        )
    if invitation.revoked_at is not None:
        raise ValidationError(
            {"token": [ValidationError(_("This invitation has been withdrawn."), code="revoked")]}
        )
    if invitation.is_expired:
        raise expired_error()
