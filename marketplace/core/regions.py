"""Region packs: districts, focus areas and currency are configuration, not code.

``settings.MARKETPLACE_REGION`` names a JSON file in marketplace/core/regions/.
"""

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from marketplace.core.locale import localized

REGIONS_DIR = Path(__file__).resolve().parent / "regions"


def region_pack(name: str | None = None) -> dict:
    """The named pack, or the configured one (resolved on every call, cached per name)."""
    return _load_pack(name or settings.MARKETPLACE_REGION)


@lru_cache(maxsize=8)
def _load_pack(name: str) -> dict:
    path = (REGIONS_DIR / f"{name}.json").resolve()
    if path.parent != REGIONS_DIR.resolve():
        raise ValueError(f"unknown region pack {name!r}")
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def localized_name(entry: dict) -> str:
    """``name_en`` under English, the pack's own ``name`` otherwise."""
    return localized(entry, "name")


def district_choices() -> list[tuple[str, str]]:
    return [(d["code"], localized_name(d)) for d in region_pack()["districts"]]


def focus_area_choices() -> list[tuple[str, str]]:
    return [(code, localized_name(area)) for code, area in region_pack()["focus_areas"].items()]
