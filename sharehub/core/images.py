"""Image uploads shared by the apps: checked for size and real image content, then re-encoded.

Re-encoding with Pillow (never storing the upload's bytes) drops metadata and anything hidden in
a file that only pretends to be an image; the stored name is random, never the client's.
"""

from __future__ import annotations

import io
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from sharehub.core.ratelimit import check_upload

# Refuse absurd dimensions before decoding (a small file can claim a huge canvas).
MAX_SOURCE_PIXELS = 40_000_000
# Pillow format → (stored format, file extension).
ACCEPTED_FORMATS = {"PNG": ("PNG", "png"), "JPEG": ("JPEG", "jpg"), "WEBP": ("WEBP", "webp")}
ACCEPT_ATTRIBUTE = "image/png,image/jpeg,image/webp"


def prepare_image(upload, *, actor: Any, field: str, max_bytes: int, max_side: int) -> ContentFile:
    """Return the image re-encoded at most `max_side` px, or raise ValidationError({field: ...}).

    Each call counts against the actor's image upload budget (core.ratelimit.check_upload)
    before anything is decoded.
    """

    def error(message: str, code: str) -> ValidationError:
        return ValidationError({field: [ValidationError(message, code=code)]})

    check_upload(actor, kind="image", field=field)
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > max_bytes:
        raise error(
            _("The image is too large (%(size)s). The largest allowed is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
            "too_large",
        )
    if size == 0:
        raise error(_("The image file is empty."), "empty")
    not_an_image = _("Upload a PNG, JPEG or WebP image. The file is not a valid image.")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise error(not_an_image, "not_an_image")
            width, height = probe.size
            if width * height > MAX_SOURCE_PIXELS:
                raise error(_("The image dimensions are too large."), "too_many_pixels")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as source:
            stored_format, extension = ACCEPTED_FORMATS[str(source.format)]
            image: Image.Image = source
            if source.format == "JPEG":
                source.draft(None, (max_side, max_side))  # decode a large photo at a reduced scale
            source.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            if stored_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            elif image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                image = image.convert("RGBA")
            # Pillow writes some of the source's metadata back (a JPEG comment, XMP): keep only
            # what drawing needs.
            image.info = {
                key: image.info[key] for key in ("transparency", "icc_profile") if key in image.info
            }
            output = io.BytesIO()
            image.save(output, format=stored_format, optimize=True)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise error(_("The image dimensions are too large."), "too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise error(not_an_image, "not_an_image") from None
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


class PhotoForm(forms.Form):
    """A photo with its text alternatives (required in Korean), for every app that takes photos
    (directory listings, public spaces); the app's service calls `prepare_image`."""

    image = forms.FileField(
        label=gettext_lazy("Photo"),
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        help_text=gettext_lazy("PNG, JPEG or WebP, at most 5 MB."),
    )
    alt_ko = forms.CharField(
        label=gettext_lazy("Text alternative in Korean"),
        max_length=200,
        help_text=gettext_lazy("What the photo shows, for people who cannot see it."),
    )
    alt_en = forms.CharField(
        label=gettext_lazy("Text alternative in English"), max_length=200, required=False
    )
