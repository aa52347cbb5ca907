"""Document uploads shared by the apps (DESIGN §4): checked, stored privately, served after a check.

- The extension AND the file's first bytes must agree on an accepted type; an office document is
  opened as the zip it claims to be and must hold its format's main part.
- The size is bounded; the stored name is random (the client's name is kept only for display).
- Private files live in `PrivateStorage`, never under MEDIA_URL, so the public media route cannot
  serve them; a view checks who asks, then answers with `private_file_response` (an attachment,
  `nosniff`, `no-store` while private).

Images shown on pages (logos, photos, covers) go through `sharehub.core.images.prepare_image`
instead: they are re-encoded, which checks them more thoroughly than any magic number.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import mimetypes
import os
import posixpath
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.static import serve

from sharehub.core.ratelimit import check_upload

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # HWP 5, PPT, DOC: OLE compound files
ZIP_MAGIC = b"PK\x03\x04"


# --- content checks ------------------------------------------------------------------------


def _zip_names(upload) -> set[str] | None:
    """The archive's member names, or None when the file is not a readable zip."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None


def _zip_member(upload, name: str, limit: int = 200) -> bytes:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive, archive.open(name) as member:
            return member.read(limit)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        KeyError,
        OSError,
        ValueError,
        EOFError,
        RuntimeError,
    ):
        return b""


def _magic(prefix: bytes) -> Callable[[bytes, Any], bool]:
    return lambda head, upload: head.startswith(prefix)


def _is_webp(head: bytes, upload) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _zip_holding(*, exact: str = "", prefix: str = "") -> Callable[[bytes, Any], bool]:
    """An office document: a zip that opens and holds its format's main part."""

    def check(head: bytes, upload) -> bool:
        if not head.startswith(ZIP_MAGIC):
            return False
        names = _zip_names(upload)
        if names is None:
            return False
        return (exact in names) if exact else any(name.startswith(prefix) for name in names)

    return check


def _is_odp(head: bytes, upload) -> bool:
    return (
        head.startswith(ZIP_MAGIC)
        and _zip_member(upload, "mimetype") == b"application/vnd.oasis.opendocument.presentation"
    )


def _is_zip(head: bytes, upload) -> bool:
    return head.startswith(ZIP_MAGIC) and _zip_names(upload) is not None


@dataclass(frozen=True)
class DocumentType:
    extension: str  # the stored file's extension
    content_type: str
    matches: Callable[[bytes, Any], bool]


_PDF = DocumentType("pdf", "application/pdf", _magic(b"%PDF-"))
_JPEG = DocumentType("jpg", "image/jpeg", _magic(b"\xff\xd8\xff"))
# Every type the hub knows, by the extension a client gives; each app accepts a subset.
DOCUMENT_TYPES: dict[str, DocumentType] = {
    "pdf": _PDF,
    "png": DocumentType("png", "image/png", _magic(b"\x89PNG\r\n\x1a\n")),
    "jpg": _JPEG,
    "jpeg": _JPEG,
    "webp": DocumentType("webp", "image/webp", _is_webp),
    "hwp": DocumentType("hwp", "application/x-hwp", _magic(OLE_MAGIC)),
    "hwpx": DocumentType("hwpx", "application/hwp+zip", _zip_holding(prefix="Contents/")),
    "docx": DocumentType(
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _zip_holding(exact="word/document.xml"),
    ),
    "pptx": DocumentType(
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _zip_holding(exact="ppt/presentation.xml"),
    ),
    "ppt": DocumentType("ppt", "application/vnd.ms-powerpoint", _magic(OLE_MAGIC)),
    "odp": DocumentType("odp", "application/vnd.oasis.opendocument.presentation", _is_odp),
    "zip": DocumentType("zip", "application/zip", _is_zip),
}


def accept_attribute(extensions: Iterable[str]) -> str:
    """The file input's `accept` attribute for these extensions."""
    return ",".join(f".{extension}" for extension in extensions)


@dataclass(frozen=True)
class CheckedDocument:
    file: File  # the upload, renamed to a random name
    type: DocumentType
    name: str  # the client's name, cleaned, for display and the download's file name
    size: int


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def size_of(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    return size


def display_name(name: str, default: str = "document") -> str:
    """The client's file name without any path, control characters or excess length."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>')
    return base[-150:] or default


def extension_of(name: str) -> str:
    name = display_name(name)
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def random_name(extension: str) -> str:
    return f"{uuid.uuid4().hex}.{extension}"


def check_document(
    upload,
    *,
    actor: Any,
    extensions: Iterable[str],
    max_bytes: int,
    wrong_type: str,
    field: str = "file",
) -> CheckedDocument:
    """Check an upload against the accepted `extensions`, or raise ValidationError({field: ...}).

    Each call counts against the actor's upload budget (core.ratelimit.check_upload) before the
    file is read. `wrong_type` is the translated message naming the accepted types.
    """
    if upload is None:
        raise _error(field, _("Choose a file to upload."), "required")
    check_upload(actor, kind="document", field=field)
    size = size_of(upload)
    if size > max_bytes:
        raise _error(
            field,
            _("The file is too large (%(size)s). The largest allowed is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
            "too_large",
        )
    if size == 0:
        raise _error(field, _("The file is empty."), "empty")
    name = display_name(getattr(upload, "name", ""))
    extension = extension_of(name)
    if extension not in extensions or extension not in DOCUMENT_TYPES:
        raise _error(field, wrong_type, "wrong_type")
    document_type = DOCUMENT_TYPES[extension]
    upload.seek(0)
    head = upload.read(16)
    if not document_type.matches(head, upload):
        raise _error(
            field,
            _("The file's content is not a %(type)s file. Upload the real document.")
            % {"type": document_type.extension.upper()},
            "content_mismatch",
        )
    upload.seek(0)
    return CheckedDocument(
        File(upload, name=random_name(document_type.extension)), document_type, name, size
    )


def content_type_for(name: str) -> str:
    """For files stored before their type was recorded."""
    document_type = DOCUMENT_TYPES.get(extension_of(name))
    if document_type:
        return document_type.content_type
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


# --- private storage and serving -------------------------------------------------------------


logger = logging.getLogger(__name__)
# Errors of a disk that cannot take the file: the person is told, the operator is alerted.
FULL = (errno.ENOSPC, errno.EDQUOT)


class PublicStorage(FileSystemStorage):
    """The public uploads (logos, photos, the editor's images) under MEDIA_ROOT: settings'
    `STORAGES["default"]` on the embedded install. Django's folder storage, but a failed write
    leaves no file, and a full disk is a message (ValidationError "storage_full")."""

    def _save(self, name: str, content: Any) -> str:
        # A write that fails (a full disk) leaves the file half written under its new name, which
        # this save created (O_EXCL): removed, so nothing half written stays. The row is written
        # after its file (services), so no row points to it either. A name already taken is
        # another upload's (Django then writes under a new one): never removed.
        taken = os.path.exists(self.path(name))
        try:
            return super()._save(name, content)  # type: ignore[misc]
        except OSError as error:
            if not taken:
                with contextlib.suppress(OSError):
                    os.remove(self.path(name))
            if error.errno not in FULL:
                raise
            logger.error("Storage full: %s could not be written: %s", name, error)
            raise ValidationError(
                _(
                    "The file could not be stored: the server's storage is full. Please try again later."
                ),
                code="storage_full",
            ) from error


class PrivateStorage(PublicStorage):
    """Never under MEDIA_URL: files here have no public address, only checked views serve them."""

    # Properties, not the parent's cached values, so a changed MEDIA_ROOT (tests) is followed.
    @property
    def base_location(self) -> str:
        configured = getattr(settings, "SHAREHUB_PRIVATE_MEDIA_ROOT", None)
        return str(configured or Path(settings.MEDIA_ROOT).parent / "private-media")

    @property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self) -> None:  # type: ignore[override]
        # None, not "": Django's storage then refuses to make a URL for a private file at all.
        return None


_storage = PrivateStorage()


def private_storage() -> Storage:
    """The private files' storage: `STORAGES["private"]` where one is configured (a private
    bucket in the production profile, settings.py), else the folder beside the media."""
    if "private" in settings.STORAGES:
        return storages["private"]
    return _storage


def private_file_response(
    field_file, *, filename: str, content_type: str, private: bool = True
) -> FileResponse:
    """The stored file as a download (never shown inline), after the caller's permission check.
    A file only some people may see is `no-store`, so no shared cache keeps it."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    return response


# Folders of the public media that once held files now kept private: never served from /media/,
# even if an old copy is left there (a backup restored over MEDIA_ROOT).
PRIVATE_PREFIXES = ("events/materials/", "designation/")


def serve_public_media(request: HttpRequest, path: str) -> HttpResponse | FileResponse:
    """The embedded install's /media/ route (settings.SHAREHUB_SERVE_MEDIA)."""
    normalized = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
    if (normalized.lower() + "/").startswith(PRIVATE_PREFIXES):
        raise Http404
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))
