from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from sharehub.core import pagecache

from .engine import LEASE
from .kinds import Kind, all_kinds
from .models import Notification, NotificationPreference, OutboundEmail
from .permissions import can_read_outbox


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def unread_count_of_request(request: HttpRequest) -> int:
    """The signed-in person's unread count, counted once per request (the header's user menu
    and the page's context both show it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    if not hasattr(request, "_unread_notifications"):
        with pagecache.personal():
            # Kept until a write to the notifications (every signed-in page shows it, and most
            # requests follow no new notification): a query fewer on each of them.
            request._unread_notifications = pagecache.kept_value(  # type: ignore[attr-defined]
                f"unread-notifications:{user.pk}", lambda: unread_count(user=user)
            )
    return request._unread_notifications  # type: ignore[attr-defined]


def notifications_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def get_notification_for(actor, *, notification_id: int) -> Notification:
    """The actor's own notification, or 404: someone else's is as good as missing."""
    notification = Notification.objects.filter(pk=notification_id, user=actor).first()
    if notification is None:
        raise Http404
    return notification


@dataclass(frozen=True)
class KindPreference:
    kind: Kind
    email: bool


def preferences_for(*, user) -> list[KindPreference]:
    """Every registered kind with the person's choice, or the kind's default when they made none."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    return [
        KindPreference(kind=kind, email=chosen.get(kind.code, kind.email_default))
        for kind in all_kinds()
    ]


# What staff may see of a mail: enough to support people, never a body, header or attachment
# (they carry sign-up, reset, invitation and newsletter links meant for the recipient alone).
OUTBOX_METADATA = (
    "kind",
    "from_email",
    "to",
    "subject",
    "status",
    "attempts",
    "last_error",
    "next_attempt_at",
    "created_at",
    "sent_at",
)


def outbox(*, actor, query: str = "") -> QuerySet[OutboundEmail]:
    """Every e-mail the hub sent, newest first: metadata only (OUTBOX_METADATA)."""
    if not can_read_outbox(actor):
        raise Http404
    queryset = OutboundEmail.objects.only(*OUTBOX_METADATA)
    if query := query.strip():
        queryset = queryset.filter(Q(to__icontains=query) | Q(subject__icontains=query))
    return queryset


def get_outbound_for(actor, *, outbound_id: int) -> OutboundEmail:
    """One e-mail's metadata for staff (OUTBOX_METADATA); its body is for the recipient alone."""
    if not can_read_outbox(actor):
        raise Http404
    outbound = OutboundEmail.objects.only(*OUTBOX_METADATA).filter(pk=outbound_id).first()
    if outbound is None:
        raise Http404
    return outbound


def stale_queued_email_ids(*, older_than: timedelta) -> list[int]:
    """Queued e-mails whose send task was probably lost (a crash, a restarted worker), and e-mails
    a dead worker held without sending them (its claim is older than the engine's lease).

    E-mails waiting for a back-off after a failure are left alone until their time has come.
    """
    now = timezone.now()
    queued = Q(status=OutboundEmail.Status.QUEUED, created_at__lte=now - older_than) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(status=OutboundEmail.Status.SENDING, claimed_at__lt=now - LEASE)
    return list(
        OutboundEmail.objects.filter(queued | abandoned)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


def failed_email_count() -> int:
    """Mails the worker gave up on, for the staff who read the outbox."""
    return OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count()
