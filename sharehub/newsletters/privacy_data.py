"""A person's newsletter subscriptions in their data export; erased with the account."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from .models import Subscriber


def _subscribers_of(user: Any):
    return Subscriber.objects.filter(Q(user=user) | Q(email__iexact=user.email))


def export_subscriptions(user: Any) -> list[dict]:
    return [
        {
            "email": subscriber.email,
            "status": subscriber.status,
            "language": subscriber.language,
            "district": subscriber.district.name if subscriber.district_id else None,
            "topics": [topic.slug for topic in subscriber.topics.all()],
            "created_at": subscriber.created_at.isoformat(),
            "consents": [
                {"action": c.action, "version": c.text_version, "at": c.created_at.isoformat()} for c in subscriber.consents.all()
            ],
        }
        for subscriber in _subscribers_of(user).select_related("district").prefetch_related("topics", "consents")
    ]


def erase_subscriptions(user: Any) -> None:
    _subscribers_of(user).delete()
