"""Input rules of the catalogue: rich text, specifications, images and documents.

Each validator raises ``CatalogValidationError`` (a DomainError: 400 with a readable,
translatable message) and never writes anything, so a refused upload leaves no trace.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import nh3
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from catalog.errors import CatalogValidationError

__all__ = ["CatalogValidationError"]  # re-exported for the forms and older callers


# --- rich text -----------------------------------------------------------------------

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "h3", "h4",
     "blockquote", "code", "pre", "a"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
MAX_DESCRIPTION_CHARS = 20_000


def sanitise_html(html: str, *, enforce_limit: bool = True) -> str:
    """Keep a small set of formatting tags; drop scripts, styles, event handlers and
    every other attribute. Links get rel="noopener noreferrer nofollow"."""
    if not html:
        return ""
    if enforce_limit and len(html) > MAX_DESCRIPTION_CHARS:
        raise CatalogValidationError(
            _("The description is too long (at most %(max)s characters).")
            % {"max": MAX_DESCRIPTION_CHARS}
        )
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


# --- specifications ------------------------------------------------------------------

MAX_SPEC_KEYS = 50
MAX_SPEC_KEY_CHARS = 100
MAX_SPEC_VALUE_CHARS = 500


def clean_specifications(value) -> dict[str, str]:
    """A flat mapping of text to text: at most 50 keys, keys non-empty and unique after
    trimming, bounded lengths."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CatalogValidationError(
            _("Specifications must be a list of names and values (a JSON object).")
        )
    if len(value) > MAX_SPEC_KEYS:
        raise CatalogValidationError(
            _("At most %(max)s specifications are allowed.") % {"max": MAX_SPEC_KEYS}
        )
    cleaned: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise CatalogValidationError(_("Every specification name and value must be text."))
        if "\x00" in key or "\x00" in item:
            raise CatalogValidationError(_("Text must not contain NUL characters."),
                                         code="nul_character")
        key = key.strip()
        if not key:
            raise CatalogValidationError(_("A specification name cannot be empty."))
        if len(key) > MAX_SPEC_KEY_CHARS:
            raise CatalogValidationError(
                _("A specification name is too long (at most %(max)s characters).")
                % {"max": MAX_SPEC_KEY_CHARS}
            )
        if len(item) > MAX_SPEC_VALUE_CHARS:
            raise CatalogValidationError(
                _("The value of “%(key)s” is too long (at most %(max)s characters).")
                % {"key": key, "max": MAX_SPEC_VALUE_CHARS}
            )
        if key in cleaned:
            raise CatalogValidationError(
                _("The specification “%(key)s” appears twice.") % {"key": key}
            )
        cleaned[key] = item.strip()
    return cleaned


# --- images --------------------------------------------------------------------------

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_SIDE = 8000
# A decompression bomb is a small file of huge dimensions (an 8000 x 8000 PNG of 200 KB
# decodes to 256 MB). 24 megapixels hold any photo a 5 MB upload can carry; Pillow
# refuses anything above it in this process, the thumbnail task included.
MAX_IMAGE_PIXELS = 24_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@dataclass(frozen=True)
class CheckedImage:
    format: str  # JPEG / PNG / WEBP
    extension: str
    width: int
    height: int


def _size_of(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        pos = upload.tell()
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(pos)
    return size


def _too_large():
    return CatalogValidationError(
        _("The image is too large (at most %(max)s x %(max)s pixels and %(mp)s megapixels).")
        % {"max": MAX_IMAGE_SIDE, "mp": MAX_IMAGE_PIXELS // 1_000_000},
        code="image_too_large",
    )


@contextmanager
def open_image(source):
    """``PIL.Image.open`` that refuses an image above the pixel limits before a single
    pixel is decoded (the header alone gives the size)."""
    with Image.open(source) as img:
        width, height = img.size
        if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
            raise _too_large()
        yield img


def check_image(upload, *, field: str | None = None) -> CheckedImage:
    """``check_image_content`` whose refusal names the form ``field`` the file came in
    (so the form shows it there and does not offer the refused file again)."""
    with _on_field(field):
        return check_image_content(upload)


def check_document(upload, *, field: str | None = None) -> CheckedDocument:
    """``check_document_content`` whose refusal names the form ``field``."""
    with _on_field(field):
        return check_document_content(upload)


@contextmanager
def _on_field(field: str | None):
    try:
        yield
    except CatalogValidationError as exc:
        if field and "field" not in exc.data:
            exc.data = {**exc.data, "field": field}
        raise


def check_image_content(upload) -> CheckedImage:
    """A real JPEG, PNG or WebP image, at most 5 MB, 8000 px a side and 24 megapixels.
    The content is decoded by Pillow (every pixel, so a file with a valid header and
    broken data is refused here, not in the thumbnail task): the file name and the
    declared content type are not trusted."""
    if upload is None:
        raise CatalogValidationError(_("Choose an image to upload."))
    size = _size_of(upload)
    if size == 0:
        raise CatalogValidationError(_("The file is empty."))
    if size > MAX_IMAGE_BYTES:
        raise CatalogValidationError(
            _("The image is too large (at most %(max)s MB).")
            % {"max": MAX_IMAGE_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    try:
        with open_image(upload) as img:
            fmt, (width, height) = img.format, img.size
            if fmt not in IMAGE_FORMATS:
                raise CatalogValidationError(_("Only JPEG, PNG and WebP images are accepted."))
            img.load()
    except CatalogValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise CatalogValidationError(
            _("The file is not a valid image (JPEG, PNG or WebP).")
        ) from exc
    finally:
        upload.seek(0)
    return CheckedImage(format=fmt, extension=IMAGE_FORMATS[fmt], width=width, height=height)


# --- documents -----------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS = 10
_DOCUMENT_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


@dataclass(frozen=True)
class CheckedDocument:
    content_type: str
    extension: str
    size: int


def check_document_content(upload) -> CheckedDocument:
    """A PDF, JPEG or PNG of at most 10 MB, recognised by its content."""
    size = _size_of(upload)
    if size == 0:
        raise CatalogValidationError(_("The file is empty."))
    if size > MAX_DOCUMENT_BYTES:
        raise CatalogValidationError(
            _("“%(name)s” is too large (at most %(max)s MB).")
            % {"name": getattr(upload, "name", ""), "max": MAX_DOCUMENT_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type, extension in _DOCUMENT_SIGNATURES:
        if head.startswith(signature):
            if content_type.startswith("image/"):
                check_image_document(upload)
            return CheckedDocument(content_type=content_type, extension=extension, size=size)
    raise CatalogValidationError(
        _("“%(name)s” is not a PDF, JPEG or PNG file.") % {"name": getattr(upload, "name", "")}
    )


def check_image_document(upload) -> None:
    try:
        with open_image(upload) as img:
            img.load()
    except CatalogValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise CatalogValidationError(
            _("“%(name)s” is not a readable image.") % {"name": getattr(upload, "name", "")}
        ) from exc
    finally:
        upload.seek(0)
