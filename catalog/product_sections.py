"""Extension point: extra sections on the product page, contributed by other apps.

The catalogue does not know crowdfunding or procurement. An app that has something to
show about a product (its campaigns, its procurement history) registers a section in
its ``AppConfig.ready()``::

    from catalog.product_sections import ProductSection, register_product_section

    register_product_section(ProductSection(
        key="crowdfunding.campaigns",
        title=_("Crowdfunding campaigns"),
        template_name="crowdfunding/product_section.html",
        context=lambda product, request: (
            {"campaigns": campaigns} if (campaigns := campaigns_for_product(product)) else None
        ),
        order=10,
    ))

Contract:
- ``context(product, request)`` reads through the contributing app's selectors and
  returns the template context, or ``None`` to show nothing (e.g. no campaigns yet).
- It must not write and must not raise for an ordinary product; a section that fails is
  logged and left out, so one app can never break the product page.
- The template gets ``product`` plus the returned context.
- Sections render in ``order`` then ``key``. With nothing registered the page shows no
  section at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProductSection:
    key: str
    title: str
    template_name: str
    context: Callable[[object, object], dict | None]
    order: int = 100


@dataclass(frozen=True)
class RenderedSection:
    key: str
    title: str
    html: str  # the section's template rendered with {"product": ..., **context}


_sections: dict[str, ProductSection] = {}


def register_product_section(section: ProductSection) -> ProductSection:
    """Register (or replace, by key) a section."""
    _sections[section.key] = section
    return section


def unregister_product_section(key: str) -> None:
    _sections.pop(key, None)


def registered_product_sections() -> list[ProductSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def product_sections_for(product, request) -> list[RenderedSection]:
    rendered = []
    for section in registered_product_sections():
        try:
            context = section.context(product, request)
            if context is None:
                continue
            html = render_to_string(
                section.template_name, {"product": product, **context}, request=request
            )
        except Exception:  # a contributing app's fault must not break the product page
            logger.exception("product section %s failed for product %s", section.key, product.pk)
            continue
        rendered.append(RenderedSection(section.key, str(section.title), html))
    return rendered
