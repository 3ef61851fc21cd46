"""Private file storage shared by every app (KYC documents, certification documents,
bid documents): files no URL serves, read only through permission-checked views."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.utils.deconstruct import deconstructible


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


@deconstructible(path="marketplace.core.storage.PublicOrPrivateStorage")
class PublicOrPrivateStorage(Storage):
    """One field whose files are public or private by name: names under one of
    ``private_prefixes`` live in the private storage (outside MEDIA_ROOT, no URL serves
    them, whatever serves MEDIA_ROOT), the others in the default (public media) storage. A
    service moves a file between the two by saving it under the other prefix (product
    images: published products' are public, drafts' are not)."""

    def __init__(self, private_prefixes: tuple[str, ...] = ()):
        self.private_prefixes = tuple(private_prefixes)

    def _for(self, name) -> Storage:
        private = str(name).replace("\\", "/").startswith(self.private_prefixes)
        return _private_storage if private else default_storage

    def _open(self, name, mode="rb"):
        return self._for(name)._open(name, mode)

    def _save(self, name, content):
        return self._for(name)._save(name, content)

    def get_available_name(self, name, max_length=None):
        return self._for(name).get_available_name(name, max_length=max_length)

    def delete(self, name):
        return self._for(name).delete(name)

    def exists(self, name):
        return self._for(name).exists(name)

    def listdir(self, path):
        return self._for(path).listdir(path)

    def size(self, name):
        return self._for(name).size(name)

    def path(self, name):
        return self._for(name).path(name)

    def url(self, name):
        return self._for(name).url(name)  # the private storage refuses

    def get_modified_time(self, name):
        return self._for(name).get_modified_time(name)
