"""Small helpers shared by the catalogue services."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.validators import CatalogValidationError
from marketplace.core.money import Money

MAX_PRICE = Decimal("999999999999.99")  # what DecimalField(max_digits=14, decimal_places=2) holds


def clean_text(model: type[models.Model], field: str, value, *, required: bool = False) -> str:
    """Trim, require when asked and respect the column's max_length with a readable
    message naming the field."""
    value = "" if value is None else str(value).strip()
    model_field = model._meta.get_field(field)
    label = model_field.verbose_name
    if required and not value:
        raise CatalogValidationError(_("%(field)s is required.") % {"field": str(label).capitalize()})
    max_length = getattr(model_field, "max_length", None)
    if max_length and len(value) > max_length:
        raise CatalogValidationError(
            _("%(field)s is too long (at most %(max)s characters).")
            % {"field": str(label).capitalize(), "max": max_length}
        )
    return value


def clean_price(amount, currency: str) -> tuple[Decimal | None, str]:
    """A price is optional (on request) but never negative, in a known ISO currency, with
    no more decimals than the currency allows."""
    currency = (currency or "").strip().upper()
    money = Money(Decimal(0), currency)  # refuses unknown currencies with a clear message
    if amount is None or amount == "":
        return None, money.currency
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, ValueError) as exc:
        raise CatalogValidationError(_("The price must be a number.")) from exc
    if not amount.is_finite():
        raise CatalogValidationError(_("The price must be a number."))
    if amount < 0:
        raise CatalogValidationError(_("The price cannot be negative."))
    if amount > MAX_PRICE:
        raise CatalogValidationError(_("The price is too large."))
    money = Money(amount, currency)
    money.to_minor_units()  # refuses more decimals than the currency has
    if amount != amount.quantize(Decimal("0.01")):
        raise CatalogValidationError(_("The price can have at most two decimals."))
    return amount, money.currency


def upload_name(extension: str) -> str:
    """Stored file names are ours, never the uploader's."""
    return f"{uuid.uuid4().hex}.{extension}"
