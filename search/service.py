"""The search service: one contract, two backends (see search/backends/)."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string


class _DatabasePlaceholder:
    name = "database"

    def health(self):
        return {}


@lru_cache(maxsize=1)
def get_backend():
    try:
        return import_string(settings.SEARCH_BACKEND)()
    except ImportError:
        return _DatabasePlaceholder()
