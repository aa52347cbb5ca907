"""notify(): the one way the hub tells a person something (DESIGN §4, notifications)."""

from __future__ import annotations

from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise

from sharehub.core.actors import Actor, require_signed_in
from sharehub.core.i18n import hub_name

from .kinds import get_kind
from .mail import queue_message, sender
from .models import Notification, NotificationPreference

Text = str | Promise


class Recipient(Protocol):
    """Who is told: a user account (the model lives in accounts, above this app)."""

    pk: Any
    email: str
    preferred_language: str
    is_active: bool


def absolute_url(url: str) -> str:
    """Links in e-mails must carry the hub's address; other absolute links are left as they are."""
    if url.startswith("/") and not url.startswith("//"):
        return settings.SHAREHUB_SITE_URL + url
    return url


def wants_email(*, user: Recipient, kind: str) -> bool:
    preference = (
        NotificationPreference.objects.filter(user_id=user.pk, kind=kind)
        .values_list("email", flat=True)
        .first()
    )
    return get_kind(kind).email_default if preference is None else preference


@transaction.atomic
def notify(
    *,
    user: Recipient,
    kind: str,
    title: Text,
    body: Text = "",
    url: str = "",
    params: dict[str, Any] | None = None,
    attachments: list[tuple[str, str | bytes, str]] | None = None,
) -> Notification:
    """Store an in-app notification and queue its e-mail, both in the recipient's language.

    Called inside the deciding service's transaction (the side-effect rule): the rows are written
    there, and only the enqueueing of the e-mail's sending waits for the commit (`queue_message`).

    `attachments` are (filename, content, mimetype) triples added to the e-mail (an event's .ics).

    `title` and `body` are lazy translations with %(name)s placeholders filled from `params`,
    so each recipient reads them in their own language.
    """
    get_kind(kind)  # an unknown kind is a programming error, not a silent no-op
    params = params or {}
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        title_text = str(title) % params if params else str(title)
        body_text = str(body) % params if params and body else str(body)
        notification = Notification.objects.create(
            user=user,  # type: ignore[misc]  # a Recipient is a user account
            kind=kind,
            title=title_text[:200],
            body=body_text,
            url=url,
        )
        if user.is_active and wants_email(user=user, kind=kind):
            context = {
                "user": user,
                "notification": notification,
                "hub_name": hub_name(),
                "site_url": settings.SHAREHUB_SITE_URL,
                "action_url": absolute_url(url),
                "preferences_url": absolute_url(reverse("notifications:preferences")),
            }
            message = EmailMultiAlternatives(
                # One line whatever the title holds: a line break would make the mail fail (header injection).
                subject=" ".join(f"[{hub_name()}] {title_text}".split()),
                body=render_to_string("notifications/email/notification.txt", context),
                from_email=sender(),  # the hub's name in the recipient's language
                to=[user.email],
            )
            message.attach_alternative(
                render_to_string("notifications/email/notification.html", context), "text/html"
            )
            for filename, content, mimetype in attachments or []:
                message.attach(filename, content, mimetype)
            queue_message(message, kind=kind, user=user)  # type: ignore[arg-type]  # a user account
    return notification


@transaction.atomic(durable=True)
def mark_read(*, actor: Actor, notification_ids: list[int] | None = None) -> int:
    """Mark the actor's own notifications read (all of them when no ids are given)."""
    require_signed_in(actor)
    # Signed in (checked above): a user account, not the anonymous half of `Actor`.
    queryset = Notification.objects.filter(user=actor, read_at__isnull=True)  # type: ignore[misc]
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    return queryset.update(read_at=timezone.now())


def _set_email_preference(actor: Actor, kind: str, email: bool) -> NotificationPreference:
    require_signed_in(actor)
    get_kind(kind)
    preference, _ = NotificationPreference.objects.update_or_create(
        user=actor,  # type: ignore[misc]  # signed in: a user account
        kind=kind,
        defaults={"email": email},
    )
    return preference


@transaction.atomic(durable=True)
def set_email_preference(*, actor: Actor, kind: str, email: bool) -> NotificationPreference:
    return _set_email_preference(actor, kind, email)


@transaction.atomic(durable=True)
def set_email_preferences(
    *, actor: Actor, choices: dict[str, bool]
) -> list[NotificationPreference]:
    """Save the whole preferences page at once: every kind or none."""
    return [_set_email_preference(actor, kind, email) for kind, email in choices.items()]
