"""The rich-text editor's server side: who may use it, its image uploads, its previews.

The editor itself is a browser convenience (`core.widgets.RichTextarea`, core/js/editor.js on the
vendored Quill): what is saved is whatever the form posts, cleaned by `core.sanitize` in each app's
services. Its two endpoints serve the people who write rich text somewhere in the hub; each app
says who they are in its manifest:

    register_author("news", can_write)

An image goes through the hub's pipeline: the extension and the file's first bytes must agree
(`core.uploads.DOCUMENT_TYPES`), then `core.images.prepare_image` checks the size, charges the
person's image budget and re-encodes it; it is stored under a random name in the public media
(MEDIA_URL + "editor/…", the only images `core.sanitize` lets through).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from sharehub.core.actors import Actor, is_signed_in
from sharehub.core.images import prepare_image
from sharehub.core.sanitize import EDITOR_IMAGE_DIR, clean_html, image_problems
from sharehub.core.uploads import DOCUMENT_TYPES, extension_of

IMAGE_FIELD = "image"
IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_SIDE = 1600
IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "webp")
PREVIEW_BUTTON = "_preview"  # the preview button's name; its value: "<field name> <language code>"

_authors: dict[str, Callable[[Any], bool]] = {}


def register_author(name: str, allowed: Callable[[Any], bool]) -> None:
    """`allowed(user)`: this person writes rich text in the app (and may upload its images)."""
    _authors[name] = allowed


def is_author(actor: Actor) -> bool:
    return is_signed_in(actor) and any(allowed(actor) for allowed in _authors.values())


def _image_error(message: str, code: str) -> ValidationError:
    return ValidationError({IMAGE_FIELD: [ValidationError(message, code=code)]})


def store_image(*, actor: Actor, upload: Any) -> str:
    """Check, re-encode and store an image for rich text; its URL. PermissionDenied for anyone
    who writes no rich text; ValidationError({"image": …}) for a bad file or a spent budget."""
    if not is_author(actor):
        raise PermissionDenied(_("Only the people who write in the hub may upload images."))
    if upload is None:
        raise _image_error(_("Choose an image to upload."), "required")
    wrong_type = _("Upload a PNG, JPEG or WebP image. The file is not a valid image.")
    extension = extension_of(getattr(upload, "name", ""))
    if extension not in IMAGE_EXTENSIONS:
        raise _image_error(wrong_type, "wrong_type")
    upload.seek(0)
    if not DOCUMENT_TYPES[extension].matches(upload.read(16), upload):
        raise _image_error(
            _("The file's content is not a %(type)s file. Upload the real document.")
            % {"type": DOCUMENT_TYPES[extension].extension.upper()},
            "content_mismatch",
        )
    # Then the size, the budget and a full decode and re-encoding.
    image = prepare_image(
        upload, actor=actor, field=IMAGE_FIELD, max_bytes=IMAGE_MAX_BYTES, max_side=IMAGE_MAX_SIDE
    )
    folder = timezone.now().strftime("%Y/%m")
    try:
        name = default_storage.save(f"{EDITOR_IMAGE_DIR}{folder}/{image.name}", image)
    except ValidationError as error:  # the storage is full: said on the field
        raise ValidationError({IMAGE_FIELD: error.error_list}) from error
    return default_storage.url(name)


def language_name(code: str) -> str:
    """A content language named in the page's language ("영어" on a Korean page)."""
    names = {"ko": _("Korean"), "en": _("English")}
    return str(names.get(code) or dict(settings.LANGUAGES).get(code, code))


@dataclass(frozen=True)
class Preview:
    html: str  # cleaned: what a page would show
    problems: list[str]  # what a save would refuse


def preview(*, actor: Actor, value: str) -> Preview:
    if not is_author(actor):
        raise PermissionDenied(_("Only the people who write in the hub may preview rich text."))
    return Preview(html=clean_html(value), problems=image_problems(value))
