"""The product page's "Crowdfunding campaigns" section (catalog.product_sections), so the
catalogue shows a product's campaigns without importing crowdfunding."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from catalog.product_sections import ProductSection, register_product_section
from crowdfunding.selectors import campaigns_for_product


def _context(product, request) -> dict | None:
    campaigns = campaigns_for_product(product)
    return {"campaigns": campaigns} if campaigns else None


def register() -> None:
    register_product_section(ProductSection(
        key="crowdfunding.campaigns", title=_("Crowdfunding campaigns"),
        template_name="crowdfunding/product_section.html", context=_context, order=10))
