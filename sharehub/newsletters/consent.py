"""The consent text a subscriber agrees to; its version is stored with each consent record.

Change CONSENT_VERSION whenever the wording changes in a way that matters.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

CONSENT_VERSION = "2026-11-v1"


def consent_text(language: str | None = None) -> str:
    with translation.override(language or translation.get_language()):
        return _(
            "I agree that the city sends me the newsletters I chose to this e-mail address. "
            "The city keeps my address, language, district and choices only to send them. "
            "I can change them or unsubscribe at any time with the links in every newsletter."
        )
