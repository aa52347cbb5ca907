"""The app's settings, each read with a default (settings.py sets them from the environment)."""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings


def send_rate() -> float:
    """Messages per second for one worker; 0 means as fast as the SMTP server takes them."""
    return float(getattr(settings, "SHAREHUB_NEWSLETTER_RATE", 20))


def batch_size() -> int:
    return int(getattr(settings, "SHAREHUB_NEWSLETTER_BATCH_SIZE", 200))


def lease_seconds() -> int:
    """A delivery claimed longer ago than this by a worker is taken back (the worker died)."""
    return int(getattr(settings, "SHAREHUB_NEWSLETTER_LEASE_SECONDS", 600))


def max_attempts() -> int:
    return int(getattr(settings, "SHAREHUB_NEWSLETTER_MAX_ATTEMPTS", 4))


def confirm_max_age() -> int:
    return int(getattr(settings, "SHAREHUB_NEWSLETTER_CONFIRM_MAX_AGE", 3 * 86400))


def bounce_secret() -> str:
    return getattr(settings, "SHAREHUB_NEWSLETTER_BOUNCE_SECRET", "")


def from_email() -> str:
    return getattr(settings, "SHAREHUB_NEWSLETTER_FROM_EMAIL", "") or settings.DEFAULT_FROM_EMAIL


def unsubscribe_mailto() -> str:
    address = getattr(settings, "SHAREHUB_NEWSLETTER_UNSUBSCRIBE_MAILTO", "")
    if address:
        return address
    _, sender = parseaddr(from_email())
    _local, _, domain = sender.partition("@")
    return f"unsubscribe@{domain}" if domain else ""


def subscribe_rate_ip() -> str:
    return getattr(settings, "SHAREHUB_NEWSLETTER_SUBSCRIBE_RATE_IP", "10/h")


def subscribe_rate_address() -> str:
    return getattr(settings, "SHAREHUB_NEWSLETTER_SUBSCRIBE_RATE_ADDRESS", "3/h")
