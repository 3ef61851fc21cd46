"""The site's header links and home-page cards, registered by the apps that own them (like
dashboard panels), so a part of the site that is not built shows nothing::

    @nav_link("catalog.products", order=10)
    def products_link(user) -> Link | None:
        return Link(_("Products"), reverse("catalog:product_list"))

    @nav_link("catalog.mine", order=20, menu=ACCOUNT_MENU)
    def my_products_link(user) -> Link | None:
        return Link(_("My products"), reverse("catalog:my_products")) if is_maker(user) else None

    @home_card("catalog", order=10)
    def catalogue_card(user) -> HomeCard | None:
        return HomeCard(title=_("Catalogue"), body=..., actions=[Link(...)])

A link or card function takes the visitor (possibly anonymous) and returns the link (or a
list of them) or the card, or ``None`` when the visitor has none: that is the visibility
predicate. Link functions run on every page, so they must cost no query beyond the ones a
request already makes (the membership memo, ``request.user``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from marketplace.core.dashboard import Link

logger = logging.getLogger(__name__)

MAIN_MENU = "main"  # the header's sections of the site
ACCOUNT_MENU = "account"  # the signed-in person's menu: their work pages, staff tools
MENUS = (MAIN_MENU, ACCOUNT_MENU)


@dataclass(frozen=True)
class HomeCard:
    title: str
    body: str
    audience: str = ""
    actions: list[Link] = field(default_factory=list)  # the first one is the main action
    key: str = ""


LinkFn = Callable[[object], Link | list[Link] | None]
CardFn = Callable[[object], HomeCard | None]
_links: dict[str, tuple[str, int, LinkFn]] = {}
_cards: dict[str, tuple[int, CardFn]] = {}


def nav_link(key: str, order: int = 100, menu: str = MAIN_MENU):
    if menu not in MENUS:
        raise ValueError(f"unknown menu {menu!r}; one of {MENUS}")

    def register(fn: LinkFn) -> LinkFn:
        _links[key] = (menu, order, fn)
        return fn

    return register


def home_card(key: str, order: int = 100):
    def register(fn: CardFn) -> CardFn:
        _cards[key] = (order, fn)
        return fn

    return register


def registered_links() -> dict[str, tuple[str, int, LinkFn]]:
    return dict(_links)


def registered_cards() -> dict[str, tuple[int, CardFn]]:
    return dict(_cards)


def links_for(user, menu: str = MAIN_MENU) -> list[Link]:
    """The links of ``menu`` that ``user`` sees, in order. A failing link function is
    logged and left out: one app's bug must not break every page's header."""
    found: list[Link] = []
    entries = sorted(((order, key, fn) for key, (m, order, fn) in _links.items() if m == menu),
                     key=lambda entry: (entry[0], entry[1]))
    for _order, key, fn in entries:
        try:
            result = fn(user)
        except Exception:
            logger.exception("navigation link %s failed", key)
            continue
        if result is None:
            continue
        found.extend(result if isinstance(result, list) else [result])
    return found


def cards_for(user) -> list[HomeCard]:
    found = []
    for key, (_order, fn) in sorted(_cards.items(), key=lambda item: (item[1][0], item[0])):
        try:
            card = fn(user)
        except Exception:
            logger.exception("home card %s failed", key)
            continue
        if card is not None:
            found.append(HomeCard(title=card.title, body=card.body, audience=card.audience,
                                  actions=list(card.actions), key=key))
    return found
