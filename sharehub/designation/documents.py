"""Document uploads: the extension AND the file's first bytes must agree on an accepted type,
and the size is bounded. The stored name is random; the client's name is kept only for display."""

from __future__ import annotations

import io
import os
import uuid
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS = 20
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # HWP 5 is an OLE compound file
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class DocumentType:
    extension: str
    content_type: str


def _is_pdf(head: bytes, upload) -> bool:
    return head.startswith(b"%PDF-")


def _is_png(head: bytes, upload) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _is_jpeg(head: bytes, upload) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _is_hwp(head: bytes, upload) -> bool:
    return head.startswith(OLE_MAGIC)


def _zip_names(upload) -> set[str]:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()


def _is_docx(head: bytes, upload) -> bool:
    return head.startswith(ZIP_MAGIC) and "word/document.xml" in _zip_names(upload)


def _is_hwpx(head: bytes, upload) -> bool:
    return head.startswith(ZIP_MAGIC) and any(name.startswith("Contents/") for name in _zip_names(upload))


# extension → (type, content check)
ACCEPTED = {
    "pdf": (DocumentType("pdf", "application/pdf"), _is_pdf),
    "png": (DocumentType("png", "image/png"), _is_png),
    "jpg": (DocumentType("jpg", "image/jpeg"), _is_jpeg),
    "jpeg": (DocumentType("jpg", "image/jpeg"), _is_jpeg),
    "hwp": (DocumentType("hwp", "application/x-hwp"), _is_hwp),
    "hwpx": (DocumentType("hwpx", "application/hwp+zip"), _is_hwpx),
    "docx": (
        DocumentType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        _is_docx,
    ),
}
ACCEPT_ATTRIBUTE = ",".join(f".{extension}" for extension in ACCEPTED)


def _error(message: str, code: str) -> ValidationError:
    return ValidationError({"file": [ValidationError(message, code=code)]})


def _size_of(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    return size


def display_name(name: str) -> str:
    """The client's file name without any path, control characters or excess length."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>')
    return base[-150:] or "document"


def check_document(upload) -> tuple[File, DocumentType, str, int]:
    """Return (file to store under a random name, type, display name, size) or raise
    ValidationError({"file": ...})."""
    if upload is None:
        raise _error(_("Choose a file to upload."), "required")
    size = _size_of(upload)
    if size > MAX_DOCUMENT_BYTES:
        raise _error(
            _("The file is too large (%(size)s). The largest allowed is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_DOCUMENT_BYTES)},
            "too_large",
        )
    if size == 0:
        raise _error(_("The file is empty."), "empty")
    name = display_name(getattr(upload, "name", ""))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    wrong_type = _("Upload a PDF, HWP, HWPX, DOCX, PNG or JPEG file.")
    if extension not in ACCEPTED:
        raise _error(wrong_type, "wrong_type")
    document_type, matches = ACCEPTED[extension]
    upload.seek(0)
    head = upload.read(16)
    if not matches(head, upload):
        raise _error(
            _("The file's content is not a %(type)s file. Upload the real document.")
            % {"type": document_type.extension.upper()},
            "content_mismatch",
        )
    upload.seek(0)
    stored = File(upload, name=f"{uuid.uuid4().hex}.{document_type.extension}")
    return stored, document_type, name, size
