"""Validation of uploaded identity documents: PDF, JPG or PNG, at most 10 MB each.

The extension alone proves nothing, so the first bytes must match the claimed type too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.errors import InvalidDocument

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS = 5

# extension -> (content type, accepted leading bytes)
ACCEPTED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


@dataclass(frozen=True)
class CheckedDocument:
    file: object  # an UploadedFile / File
    name: str
    extension: str
    content_type: str
    size: int


def _head(upload, length: int = 8) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


def document_check(upload) -> CheckedDocument:
    name = os.path.basename(getattr(upload, "name", "") or "")[:200]
    extension = os.path.splitext(name)[1].lower()
    if extension not in ACCEPTED_TYPES:
        raise InvalidDocument(
            _("“%(name)s” is not accepted: upload PDF, JPG or PNG files only.") % {"name": name},
            code="document_type",
            data={"field": "documents", "name": name},
        )
    size = upload.size or 0
    if size > MAX_DOCUMENT_BYTES:
        raise InvalidDocument(
            _("“%(name)s” is %(size)s; each document may be at most %(max)s.")
            % {"name": name, "size": filesizeformat(size), "max": filesizeformat(MAX_DOCUMENT_BYTES)},
            code="document_too_large",
            data={"field": "documents", "name": name},
        )
    if size == 0:
        raise InvalidDocument(
            _("“%(name)s” is empty.") % {"name": name},
            code="document_empty",
            data={"field": "documents", "name": name},
        )
    content_type, signatures = ACCEPTED_TYPES[extension]
    if not _head(upload).startswith(signatures):
        raise InvalidDocument(
            _("“%(name)s” is not a real %(type)s file.")
            % {"name": name, "type": extension.lstrip(".").upper()},
            code="document_content",
            data={"field": "documents", "name": name},
        )
    return CheckedDocument(
        file=upload, name=name, extension=extension, content_type=content_type, size=size
    )


def documents_check(uploads) -> list[CheckedDocument]:
    """Check every upload before anything is written; raise on the first bad one."""
    uploads = [u for u in (uploads or []) if u is not None]
    if not uploads:
        raise InvalidDocument(
            _("Attach at least one identity document."),
            code="documents_required",
            data={"field": "documents"},
        )
    if len(uploads) > MAX_DOCUMENTS:
        raise InvalidDocument(
            _("Attach at most %(max)d documents.") % {"max": MAX_DOCUMENTS},
            code="too_many_documents",
            data={"field": "documents"},
        )
    return [document_check(upload) for upload in uploads]
