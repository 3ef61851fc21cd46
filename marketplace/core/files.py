"""Serving a private file (KYC, certification and bid documents) from a view that has
already checked who may see it."""

from __future__ import annotations

import logging

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

from marketplace.core.pages import PageNotFound

logger = logging.getLogger(__name__)

FILE_MISSING = _("This file is not available at the moment. Please tell the platform staff.")


def private_file_response(
    field_file,
    *,
    filename: str | None = None,
    as_attachment: bool = True,
    content_type: str | None = None,
) -> FileResponse:
    """Stream ``field_file`` (a ``FieldFile``) to the browser, never cached by shared
    caches and never type-sniffed.

    ``filename`` is the name the browser offers (the stored name is used when empty);
    ``content_type`` defaults to a guess from that name. A file the database knows but
    the storage has lost (deleted volume, failed restore) is logged and raises
    ``Http404`` (a ``PageNotFound`` whose translated message the 404 page shows; the API
    answers 404 with it too), never a 500.
    """
    name = getattr(field_file, "name", "") or ""
    if not name:
        raise PageNotFound(str(FILE_MISSING))
    try:
        handle = field_file.open("rb")
    except OSError:  # FileNotFoundError, PermissionError, an unreadable volume
        logger.error("private file %s is missing or unreadable", name, exc_info=True)
        raise PageNotFound(str(FILE_MISSING)) from None
    response = FileResponse(
        handle,
        as_attachment=as_attachment,
        filename=filename or name.rsplit("/", 1)[-1],
        **({"content_type": content_type} if content_type else {}),
    )
    response["Cache-Control"] = "private, no-store"
    # The type was checked by content at upload; never let a browser guess another.
    response["X-Content-Type-Options"] = "nosniff"
    return response
