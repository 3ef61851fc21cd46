"""Voucher packs: a region's programme figures are configuration, not code.

``vouchers/packs/<region>.json`` holds the figures a new programme of that region starts
with (categories, annual cap per makerspace, validity, maximum share of a price, company
age limit); the region is ``settings.MARKETPLACE_REGION`` unless named.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from marketplace.core.locale import localized

PACKS_DIR = Path(__file__).resolve().parent / "packs"


def voucher_pack(region: str | None = None) -> dict:
    return _load(region or settings.MARKETPLACE_REGION)


@lru_cache(maxsize=8)
def _load(region: str) -> dict:
    path = (PACKS_DIR / f"{region}.json").resolve()
    if path.parent != PACKS_DIR.resolve() or not path.exists():
        raise LookupError(f"no voucher pack for region {region!r}")
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def category_label(programme, code: str) -> str:
    for category in programme.categories:
        if category["code"] == code:
            return localized(category, "name")
    return code
