"""Logo uploads: checked and re-encoded by the shared image pipeline, at most 512 px and 2 MB."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from sharehub.core.images import ACCEPT_ATTRIBUTE, prepare_image

__all__ = ["ACCEPT_ATTRIBUTE", "MAX_LOGO_BYTES", "MAX_LOGO_SIDE", "prepare_logo"]

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_SIDE = 512


def prepare_logo(upload, *, actor: Any) -> ContentFile:
    """Return the resized logo as a new file under a random name, or raise
    ValidationError({"logo": ...}); counts against the actor's image upload budget."""
    return prepare_image(
        upload, actor=actor, field="logo", max_bytes=MAX_LOGO_BYTES, max_side=MAX_LOGO_SIDE
    )
