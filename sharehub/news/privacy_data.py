"""A person's articles in their data export; on deletion their articles stay, anonymised."""

from __future__ import annotations

from typing import Any

from .models import Article


def export_articles(user: Any) -> list[dict]:
    return [
        {
            "title_ko": article.title_ko,
            "title_en": article.title_en,
            "kind": article.kind,
            "status": article.status,
            "organization": article.organization.slug if article.organization_id else None,
            "created_at": article.created_at.isoformat(),
            "publish_at": article.publish_at.isoformat() if article.publish_at else None,
        }
        for article in Article.objects.filter(created_by=user)
        .select_related("organization")
        .order_by("pk")
    ]


def erase_articles(user: Any) -> None:
    Article.objects.filter(created_by=user).update(created_by=None)
