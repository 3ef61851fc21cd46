import pytest


@pytest.fixture(autouse=True)
def _private_media_root(settings, tmp_path):
    """Identity documents go to a per-test private directory."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def private_root(_private_media_root):
    from pathlib import Path

    return Path(_private_media_root)



@pytest.fixture
def isolated_cache(settings):
    """A private in-process cache for tests whose outcome lives in the cache (login
    throttling counters, used TOTP codes): suites running in parallel on the shared
    Redis flush their databases, which must not reset our counters mid-test."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": "accounts-tests"}
    }
    from django.core.cache import cache

    cache.clear()
    return cache
