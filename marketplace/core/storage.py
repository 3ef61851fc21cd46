"""Private file storage shared by every app (KYC documents, certification documents,
bid documents): files no URL serves, read only through permission-checked views."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files live outside MEDIA_ROOT. The location follows ``settings.PRIVATE_MEDIA_ROOT``
    at access time, so tests can point it at a temporary directory."""

    @property
    def base_location(self):
        return getattr(settings, "PRIVATE_MEDIA_ROOT", None) or os.path.join(
            settings.MEDIA_ROOT, os.pardir, "private"
        )

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private files have no public URL; use the permission-checked view")


_private_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """Callable for ``FileField(storage=private_storage)`` (keeps migrations stable)."""
    return _private_storage
