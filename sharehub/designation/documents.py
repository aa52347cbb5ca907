"""Application documents: the hub's shared document check (sharehub.core.uploads) with the
types an application takes. The stored name is random; the client's name is kept for display."""

from __future__ import annotations

from typing import Any

from django.core.files.base import File
from django.utils.translation import gettext as _

from sharehub.core.uploads import DocumentType, accept_attribute
from sharehub.core.uploads import check_document as check_upload_document

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS = 20
EXTENSIONS = ("pdf", "png", "jpg", "jpeg", "hwp", "hwpx", "docx")
ACCEPT_ATTRIBUTE = accept_attribute(EXTENSIONS)


def check_document(upload, *, actor: Any) -> tuple[File, DocumentType, str, int]:
    """Return (file to store under a random name, type, display name, size) or raise
    ValidationError({"file": ...})."""
    checked = check_upload_document(
        upload,
        actor=actor,
        extensions=EXTENSIONS,
        max_bytes=MAX_DOCUMENT_BYTES,
        wrong_type=_("Upload a PDF, HWP, HWPX, DOCX, PNG or JPEG file."),
    )
    return checked.file, checked.type, checked.name, checked.size
