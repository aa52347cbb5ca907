"""Event material uploads: documents checked by the hub's shared check (sharehub.core.uploads),
photos re-encoded by the shared image pipeline (sharehub.core.images). Both get a random stored
name and go to private storage (models.EventMaterial.file)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.base import File
from django.utils.translation import gettext as _

from sharehub.core.images import prepare_image
from sharehub.core.uploads import accept_attribute, check_document, display_name, extension_of

MAX_MATERIAL_BYTES = 20 * 1024 * 1024
MAX_PHOTO_SIDE = 2560
IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "webp")
DOCUMENT_EXTENSIONS = ("pdf", "pptx", "ppt", "odp", "docx", "hwp", "hwpx", "zip")
ACCEPT_ATTRIBUTE = accept_attribute(DOCUMENT_EXTENSIONS + IMAGE_EXTENSIONS)
IMAGE_CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}


@dataclass(frozen=True)
class CheckedMaterial:
    file: File  # under a random name
    content_type: str
    original_name: str  # the client's name, cleaned, for the download


def check_material(upload, *, actor: Any) -> CheckedMaterial:
    """Return the file to store, or raise ValidationError({"file": ...}). Each call counts
    against the actor's upload budget (core.ratelimit.check_upload)."""
    name = display_name(getattr(upload, "name", "") or "", default="material")
    extension = extension_of(name)
    if upload is not None and extension in IMAGE_EXTENSIONS:
        image = prepare_image(
            upload, actor=actor, field="file", max_bytes=MAX_MATERIAL_BYTES, max_side=MAX_PHOTO_SIDE
        )
        stored_extension = (image.name or "").rsplit(".", 1)[-1]
        # The re-encoded format may differ from the client's extension; the download says the truth.
        stem = name.rsplit(".", 1)[0] or "photo"
        return CheckedMaterial(
            image, IMAGE_CONTENT_TYPES[stored_extension], f"{stem}.{stored_extension}"
        )
    checked = check_document(
        upload,
        actor=actor,
        extensions=DOCUMENT_EXTENSIONS,
        max_bytes=MAX_MATERIAL_BYTES,
        wrong_type=_("Upload a PDF, PPTX, PPT, ODP, DOCX, HWP, HWPX, ZIP, PNG, JPEG or WebP file."),
    )
    return CheckedMaterial(checked.file, checked.type.content_type, checked.name)
