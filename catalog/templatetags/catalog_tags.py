"""Display helpers of the catalogue pages."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from catalog import media
from catalog.validators import sanitise_html
from marketplace.core.formatting import format_money
from marketplace.core.locale import localized
from marketplace.core.regions import district_choices, focus_area_choices

register = template.Library()

EXPIRING_SOON_DAYS = 30


@register.filter
def bi(obj, field: str):
    """The English variant of ``field`` under English when it is filled, else the Chinese."""
    return localized(obj, field)


@register.filter
def product_image_url(name) -> str:
    """The address of a product image or thumbnail (a checked view for non-public ones)."""
    return media.product_image_url(str(name) if name else None) or ""


@register.filter
def makerspace_photo_url(name) -> str:
    return media.makerspace_photo_url(str(name) if name else None) or ""


@register.filter
def price(product) -> str:
    if product.price_amount is None:
        return _("Price on request")
    return format_money(product.price_amount, product.price_currency)


@register.filter
def money(amount, currency) -> str:
    """The core's money format (marketplace.core.formatting), for the catalogue's pages."""
    return format_money(amount, currency)


@register.filter
def district_name(code: str) -> str:
    return dict(district_choices()).get(code, code)


@register.filter
def focus_area_name(code: str) -> str:
    return dict(focus_area_choices()).get(code, code)


@register.filter
def rich_text(html: str):
    """Stored descriptions are sanitised on write; sanitising again on display also
    covers rows written outside the services (admin, imports)."""
    return mark_safe(sanitise_html(html or "", enforce_limit=False))  # noqa: S308  (nh3 output)


@register.filter
def expiring_soon(valid_until) -> bool:
    if valid_until is None:
        return False
    return valid_until <= timezone.localdate() + timedelta(days=EXPIRING_SOON_DAYS)


@register.simple_tag
def page_url(query: str, number: int) -> str:
    return f"?{query}&page={number}" if query else f"?page={number}"


@register.filter
def percent(rate) -> str:
    """A fraction (0.0250) as a percentage (2.50 %)."""
    if rate is None:
        return ""
    return f"{(Decimal(rate) * 100).quantize(Decimal('0.01'))} %"
