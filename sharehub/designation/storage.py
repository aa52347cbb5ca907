"""Private storage for application documents: never under MEDIA_URL, so the public media
route cannot serve them; the download view checks who asks."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    # Properties, not the parent's cached values, so a changed MEDIA_ROOT (tests) is followed.
    @property
    def base_location(self) -> str:
        configured = getattr(settings, "SHAREHUB_PRIVATE_MEDIA_ROOT", None)
        return str(configured or Path(settings.MEDIA_ROOT).parent / "private-media")

    @property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self) -> None:
        return None


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _storage
