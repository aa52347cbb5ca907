"""Proposal attachments: the hub's shared document check (sharehub.core.uploads) with the types
a proposal takes. The stored name is random; the client's name is the attachment's title."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from sharehub.core.uploads import CheckedDocument, accept_attribute, check_document

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
EXTENSIONS = ("pdf", "hwp", "hwpx", "docx", "pptx", "png", "jpg", "jpeg")
ACCEPT_ATTRIBUTE = accept_attribute(EXTENSIONS)


def check_attachment(upload: Any, *, actor: Any, field: str = "attachments") -> CheckedDocument:
    """The checked upload (renamed to a random name), or ValidationError({field: ...})."""
    return check_document(
        upload,
        actor=actor,
        extensions=EXTENSIONS,
        max_bytes=MAX_ATTACHMENT_BYTES,
        wrong_type=_("Attach PDF, HWP, HWPX, DOCX, PPTX, PNG or JPEG files."),
        field=field,
    )
