"""With DEBUG (the embedded run) the app serves uploads itself: the same public folders
as the production proxy, nothing else under MEDIA_ROOT."""

import importlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import clear_url_caches

import marketplace.urls


@pytest.fixture
def debug_urls(settings):
    settings.DEBUG = True
    module = importlib.reload(marketplace.urls)
    clear_url_caches()
    yield module
    settings.DEBUG = False
    importlib.reload(marketplace.urls)
    clear_url_caches()


def test_without_debug_no_media_is_served(client):
    default_storage.save("products/1/photo.webp", ContentFile(b"webp"))
    assert client.get("/media/products/1/photo.webp").status_code == 404


@pytest.mark.django_db
def test_with_debug_only_the_public_folders_are_served(client, debug_urls):
    for name in ("products/1/photo.webp", "makerspaces/2/hall.png", "certifications/3/a.pdf",
                 "kyc/4/id.png"):
        default_storage.save(name, ContentFile(name.encode()))
    response = client.get("/media/products/1/photo.webp")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"products/1/photo.webp"
    assert client.get("/media/makerspaces/2/hall.png").status_code == 200
    for private in ("certifications/3/a.pdf", "kyc/4/id.png", "products/../kyc/4/id.png",
                    "products/%2e%2e/kyc/4/id.png", "makerspaces/..%2fkyc/4/id.png"):
        assert client.get(f"/media/{private}").status_code == 404, private
