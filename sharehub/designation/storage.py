"""Private storage for application documents (sharehub.core.uploads.PrivateStorage): never under
MEDIA_URL, so the public media route cannot serve them; the download view checks who asks."""

from __future__ import annotations

from django.core.files.storage import Storage

from sharehub.core.uploads import PrivateStorage
from sharehub.core.uploads import private_storage as _shared_private_storage

__all__ = ["PrivateStorage", "private_storage"]


def private_storage() -> Storage:
    # A function of this module because migrations name it; the storage itself is the hub's one.
    return _shared_private_storage()
