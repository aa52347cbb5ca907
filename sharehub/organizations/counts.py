"""The organization list's kept counts (core.counts): how many published organizations match the
district and type filters, each kept until a write to the organizations (or a table its query
reads) commits."""

from __future__ import annotations

from django.db.models import QuerySet

from sharehub.core.counts import KeptCounts
from sharehub.places.models import District

from .models import OrganizationCount

kept = KeptCounts(OrganizationCount)


def count(
    queryset: QuerySet, *, q: str = "", district: District | None = None, kind: str = ""
) -> int:
    """The list's total; a name search (a scan of the names whatever is kept) counts directly."""
    key = None if q.strip() else f"d={district.slug if district else ''}|k={kind or ''}"
    return kept.count(queryset, key)
