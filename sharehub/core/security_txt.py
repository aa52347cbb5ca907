"""/.well-known/security.txt (RFC 9116): where to report a vulnerability in this city's hub.

Each city runs its own hub, so the contact is the city's: `SHAREHUB_SECURITY_CONTACT` (a
`mailto:` or `https:` address), else the hub's own contact e-mail (`SHAREHUB_CONTACT_EMAIL`).
The addresses written in the file come from settings, never from the request's Host header.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# RFC 9116 2.5.5: Expires should be less than a year ahead. The file is made per request, so the
# date moves with it; it is a day's midnight, so one day's copies are the same file.
VALID_DAYS = 180


def security_contact() -> str:
    contact = settings.SHAREHUB_SECURITY_CONTACT or settings.SHAREHUB_CITY["contact_email"]
    return contact if contact.startswith(("mailto:", "https://")) else f"mailto:{contact}"


def security_txt_lines(now: datetime) -> list[str]:
    expires = datetime.combine(now.astimezone(UTC).date(), time(), UTC) + timedelta(VALID_DAYS)
    lines = [
        f"Contact: {security_contact()}",
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: ko, en",
        f"Canonical: {settings.SHAREHUB_SITE_URL}/.well-known/security.txt",
    ]
    if settings.SHAREHUB_SECURITY_POLICY_URL:
        lines.append(f"Policy: {settings.SHAREHUB_SECURITY_POLICY_URL}")
    return lines


@require_safe
@cache_control(public=True, max_age=3600)
def security_txt(request: HttpRequest) -> HttpResponse:
    body = "\n".join(security_txt_lines(timezone.now())) + "\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
