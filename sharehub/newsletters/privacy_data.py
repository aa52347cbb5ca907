"""A person's newsletter subscriptions in their data export, with the consent records kept as
evidence (what was agreed to, when, from which IP address); erased with the account, together
with the rate-limit counts held under their address."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from sharehub.core import ratelimit

from . import conf
from .models import ConsentRecord, Subscriber


def _subscribers_of(user: Any):
    return Subscriber.objects.filter(Q(user=user) | Q(email__iexact=user.email))


def consent_ips(user: Any) -> set[str]:
    return set(
        ConsentRecord.objects.filter(
            subscriber__in=_subscribers_of(user), ip__isnull=False
        ).values_list("ip", flat=True)
    )


def export_subscriptions(user: Any) -> list[dict]:
    return [
        {
            "email": subscriber.email,
            "status": subscriber.status,
            "language": subscriber.language,
            "district": subscriber.district.name if subscriber.district_id else None,
            "topics": [topic.slug for topic in subscriber.topics.all()],
            "created_at": subscriber.created_at.isoformat(),
            "bounced_at": subscriber.bounced_at.isoformat() if subscriber.bounced_at else None,
            "bounce_reason": subscriber.bounce_reason,
            "consents": [
                {
                    "action": c.action,
                    "version": c.text_version,
                    "text": c.text,
                    "ip": c.ip,
                    "at": c.created_at.isoformat(),
                }
                for c in subscriber.consents.all()
            ],
        }
        for subscriber in _subscribers_of(user)
        .select_related("district")
        .defer("district__boundary")
        .prefetch_related("topics", "consents")
    ]


def erase_subscriptions(user: Any) -> None:
    subscribers = _subscribers_of(user)
    for email in {
        user.email.lower(),
        *(s.lower() for s in subscribers.values_list("email", flat=True)),
    }:
        ratelimit.forget("newsletters.address", email, conf.subscribe_rate_address())
    for ip in consent_ips(user):
        ratelimit.forget(
            "newsletters.subscribe", ratelimit.address_key(ip), conf.subscribe_rate_ip()
        )
    subscribers.delete()
