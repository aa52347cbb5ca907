"""`{% load datetimes %}`: machine-readable dates for <time datetime="…">.

`|date:"c"` prints microseconds (2026-12-02T20:17:42.123456+09:00), which HTML does not allow
(a fraction of a second has one to three digits); `|iso` prints 2026-12-02T20:17:42+09:00.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter(is_safe=True)
def iso(value) -> str:
    """A datetime in the current time zone to the second, or a date, as a valid HTML datetime value."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return ""
