"""The personal dashboard, assembled from panels each app registers (like seeders and
deadline handlers), so a pillar adds its panel without touching the core::

    @dashboard_panel("catalog.my_products", order=20)
    def my_products(user) -> Panel | None:
        products = ...
        if not products.exists():
            return None          # nothing of this for this person: no panel
        return Panel(title=_("My products"), count=products.count(), items=[...],
                     action=Link(_("List a product"), reverse("catalog:product_create")))

A panel function takes the signed-in user and returns a ``Panel`` or ``None``; it must
read through the app's selectors and stay within a small, constant number of queries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    note: str = ""


@dataclass
class Panel:
    title: str
    count: int | None = None
    count_label: str = ""
    items: list[Link] = field(default_factory=list)
    action: Link | None = None  # the next thing to do
    more: Link | None = None  # the full list
    key: str = ""
    order: int = 100


PanelFn = Callable[[object], Panel | None]
_panels: dict[str, tuple[int, PanelFn]] = {}


def dashboard_panel(key: str, order: int = 100):
    def register(fn: PanelFn) -> PanelFn:
        _panels[key] = (order, fn)
        return fn

    return register


def registered_panels() -> dict[str, tuple[int, PanelFn]]:
    return dict(_panels)


def panels_for(user) -> list[Panel]:
    """The panels ``user`` has, in order. A panel that fails is logged and left out: one
    app's bug must not take the whole dashboard down."""
    found = []
    for key, (order, fn) in sorted(_panels.items(), key=lambda item: (item[1][0], item[0])):
        try:
            panel = fn(user)
        except Exception:
            logger.exception("dashboard panel %s failed", key)
            continue
        if panel is not None:
            panel.key, panel.order = key, order
            found.append(panel)
    return found
