"""Product images are decoded at validation (catalog.validators.check_image): a
decompression bomb (huge dimensions, small file) and a PNG whose header is valid but whose
data is garbage are refused with a message, through the service, the API and the page, and
nothing is stored (no row, no file, no thumbnail task)."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from catalog.errors import CatalogValidationError
from catalog.models import ProductImage
from catalog.services.images import product_image_add
from catalog.validators import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, check_image
from tests.catalog.factories import image_bytes, stored_files

pytestmark = pytest.mark.django_db

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

TOO_LARGE = {
    "en": "The image is too large (at most 8000 x 8000 pixels and 24 megapixels).",
    "zh-hans": "图片尺寸过大（不超过 8000 x 8000 像素、24 百万像素）。",
}
NOT_AN_IMAGE = {
    "en": "The file is not a valid image (JPEG, PNG or WebP).",
    "zh-hans": "该文件不是有效的图片（JPEG、PNG 或 WebP）。",
}


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def bomb_png(width=8000, height=8000) -> bytes:
    """A valid PNG of ``width x height`` black pixels (1 bit each): a few kilobytes on disk,
    ``width * height`` pixels once decoded. Written by hand so the test itself never
    holds the pixels."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (PNG_MAGIC + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", data)
            + _chunk(b"IEND", b""))


def bogus_png() -> bytes:
    """A real PNG's signature and header chunk (Pillow opens it and reads its size), then
    garbage where the pixel data should be."""
    real = image_bytes("PNG", (300, 200))
    header = real[:8 + 25]  # signature + IHDR chunk
    return header + _chunk(b"IDAT", b"garbage" * 200) + _chunk(b"IEND", b"")


def magic_then_garbage() -> bytes:
    return PNG_MAGIC + b"\x17garbage after the magic" * 50


def png_file(content: bytes, name="photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


BAD = {
    "decompression bomb": (bomb_png, TOO_LARGE),
    "bomb within the side limit": (lambda: bomb_png(7000, 4000), TOO_LARGE),
    "bogus PNG data": (bogus_png, NOT_AN_IMAGE),
    "PNG magic, garbage after": (magic_then_garbage, NOT_AN_IMAGE),
}


def test_the_bomb_is_a_small_file_of_too_many_pixels():
    content = bomb_png()
    assert len(content) < MAX_IMAGE_BYTES // 20
    width, height = struct.unpack(">II", content[16:24])  # from the IHDR chunk
    assert (width, height) == (8000, 8000)
    assert width * height > MAX_IMAGE_PIXELS


def test_the_bogus_png_has_a_valid_header():
    """What makes it a test of decoding: the header alone passes."""
    with Image.open(io.BytesIO(bogus_png())) as img:
        assert img.format == "PNG" and img.size == (300, 200)


@pytest.mark.parametrize("case", list(BAD))
def test_check_image_refuses(case):
    make, message = BAD[case]
    with pytest.raises(CatalogValidationError) as exc:
        check_image(png_file(make()))
    assert str(exc.value.message) == message["en"]


@pytest.mark.parametrize("case", list(BAD))
def test_the_service_refuses_and_stores_nothing(maker, draft, case,
                                                django_capture_on_commit_callbacks):
    make, _ = BAD[case]
    with django_capture_on_commit_callbacks() as callbacks, \
            pytest.raises(CatalogValidationError):
        product_image_add(actor=maker, product=draft, file=png_file(make()))
    assert callbacks == []  # no thumbnail task
    assert not ProductImage.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("case", list(BAD))
def test_the_api_answers_400_with_the_message_and_stores_nothing(api_client, maker, draft,
                                                                 case, language):
    make, message = BAD[case]
    api_client.force_login(maker)
    response = api_client.post(f"/api/catalog/products/{draft.pk}/images/",
                               {"image": png_file(make())}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == message[language]
    assert body["code"]
    assert not ProductImage.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("case", list(BAD))
def test_the_page_answers_400_with_the_message_and_stores_nothing(client, maker, draft, case,
                                                                  language):
    make, message = BAD[case]
    client.force_login(maker)
    response = client.post(reverse("catalog:product_image_upload", args=[draft.slug]),
                           {"image": png_file(make())}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert message[language] in response.content.decode()
    assert not ProductImage.objects.exists()
    assert stored_files() == []


def test_a_good_image_still_goes_in(maker, draft):
    image = product_image_add(actor=maker, product=draft,
                              file=png_file(image_bytes("PNG", (640, 480))))
    assert (image.width, image.height) == (640, 480)
