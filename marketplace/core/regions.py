"""Region packs: districts, focus areas and currency are configuration, not code.

``settings.MARKETPLACE_REGION`` names a JSON file in marketplace/core/regions/.
"""

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings

REGIONS_DIR = Path(__file__).resolve().parent / "regions"


@lru_cache(maxsize=8)
def region_pack(name: str | None = None) -> dict:
    name = name or settings.MARKETPLACE_REGION
    with (REGIONS_DIR / f"{name}.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def district_choices() -> list[tuple[str, str]]:
    return [(d["code"], d["name"]) for d in region_pack()["districts"]]
