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
