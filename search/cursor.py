"""Opaque, signed cursors for deep pagination (search_after / keyset).

A cursor carries the sort values of the last hit of a page. It is signed (nobody can
forge positions) and bound to the backend, the sort and the search it came from, so a
cursor replayed against another search is refused with a 400 instead of paging
somewhere arbitrary.
"""

from __future__ import annotations

import hashlib
import json

from django.core import signing
from django.utils.translation import gettext_lazy as _

from search.contract import InvalidSearch, SearchQuery

SALT = "search.cursor.v1"
MAX_CURSOR_LENGTH = 2000


def fingerprint(query: SearchQuery) -> str:
    data = {
        "t": query.text,
        "d": sorted(query.doc_types),
        "f": {k: sorted(v) for k, v in sorted(query.filters.items()) if v},
        "p": [str(query.price_min), str(query.price_max)],
        "s": query.effective_sort,
        "n": query.page_size,
    }
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def encode_cursor(query: SearchQuery, backend: str, values: tuple, *,
                  fallback: bool = False) -> str:
    """``fallback``: the page came from the most-terms query; the next pages must too."""
    return signing.dumps(
        {"b": backend, "q": fingerprint(query), "v": list(values), "m": int(fallback)},
        salt=SALT, compress=True,
    )


def bad_cursor() -> InvalidSearch:
    return InvalidSearch(
        _("This results link is no longer valid. Start the search again."), param="cursor"
    )


def decode_cursor(token: str, query: SearchQuery, backend: str) -> tuple[tuple, bool]:
    """The sort values of the last hit and whether the pages are the fallback's."""
    if not token or len(token) > MAX_CURSOR_LENGTH:
        raise bad_cursor()
    try:
        data = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise bad_cursor() from exc
    if (
        not isinstance(data, dict)
        or data.get("b") != backend
        or data.get("q") != fingerprint(query)
        or not isinstance(data.get("v"), list)
        or not data["v"]
        or not all(isinstance(v, str | int | float | None) for v in data["v"])
        or data.get("m", 0) not in (0, 1)
    ):
        raise bad_cursor()
    return tuple(data["v"]), bool(data.get("m", 0))
