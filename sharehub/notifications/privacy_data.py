"""Notifications' part of the privacy registry.

Erasure deletes the person's notifications and preferences. E-mails sent to them keep their
row (the outbox is the hub's record that a message went out, with its status and time) but lose
everything personal: recipient, subject (replaced by "[erased]"), bodies, headers and error.
An e-mail still waiting to be sent is marked failed, since it no longer has anyone to go to.
Messages to other people that named the person (an invitation from them, a notice that they
joined) keep their text with the person's name, e-mail or IP address replaced.
"""

from __future__ import annotations

from email.utils import getaddresses
from typing import Any

from django.db.models import Q

from sharehub.core import privacy

from .models import Notification, NotificationPreference, OutboundEmail

ERASED_SUBJECT = "[erased]"


def _addressed_to(user) -> Q:
    """Mail linked to the account, or addressed to its e-mail (account mail has no user link)."""
    ids = [
        pk
        for pk, recipients in OutboundEmail.objects.filter(to__icontains=user.email).values_list(
            "pk", "to"
        )
        if user.email.lower()
        in {address.lower() for _name, address in getaddresses(recipients or [])}
    ]
    return Q(user=user) | Q(pk__in=ids)


def export_notifications(user) -> dict[str, Any]:
    return {
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "url": n.url,
                "created_at": n.created_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
            }
            for n in Notification.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "preferences": [
            {"kind": p.kind, "email": p.email}
            for p in NotificationPreference.objects.filter(user=user).order_by("kind")
        ],
        "emails": [
            {
                "subject": e.subject,
                "status": e.status,
                "created_at": e.created_at.isoformat(),
                "sent_at": e.sent_at.isoformat() if e.sent_at else None,
            }
            for e in OutboundEmail.objects.filter(_addressed_to(user))
            .only("subject", "status", "created_at", "sent_at")
            .order_by("created_at", "pk")
        ],
    }


def erase_notifications(user) -> None:
    Notification.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    emails = OutboundEmail.objects.filter(_addressed_to(user))
    emails.filter(status=OutboundEmail.Status.QUEUED).update(
        status=OutboundEmail.Status.FAILED, next_attempt_at=None
    )
    emails.update(
        user=None,
        to=[],
        subject=ERASED_SUBJECT,
        body_text="",
        body_html="",
        headers={},
        last_error="",
        demo_reader="",
    )
    _scrub_mentions(user)


def _scrub_mentions(user) -> None:
    identifiers = privacy.identifiers_of(user)
    since = {"created_at__gte": user.date_joined}
    for notification in Notification.objects.filter(
        privacy.mentions(identifiers, "title", "body"), **since
    ):
        notification.title = privacy.scrub(notification.title, identifiers)
        notification.body = privacy.scrub(notification.body, identifiers)
        notification.save(update_fields=["title", "body"])
    fields = ("subject", "body_text", "body_html", "headers", "last_error")
    for email in OutboundEmail.objects.filter(privacy.mentions(identifiers, *fields), **since):
        for field in fields:
            setattr(email, field, privacy.scrub(getattr(email, field), identifiers))
        email.save(update_fields=list(fields))
