"""Small helpers shared by the catalogue services."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.errors import CatalogValidationError
from marketplace.core.money import InvalidMoney, Money

MAX_PRICE = Decimal("999999999999")  # a trillion, far below what an amount column holds


def clean_text(model: type[models.Model], field: str, value, *, required: bool = False) -> str:
    """Trim, require when asked and respect the column's max_length with a readable
    message naming the field."""
    value = "" if value is None else str(value).strip()
    model_field = model._meta.get_field(field)
    label = model_field.verbose_name
    if required and not value:
        raise CatalogValidationError(_("%(field)s is required.") % {"field": str(label).capitalize()},
                                     data={"field": field})
    if "\x00" in value:
        raise CatalogValidationError(_("Text must not contain NUL characters."),
                                     code="nul_character", data={"field": field})
    max_length = getattr(model_field, "max_length", None)
    if max_length and len(value) > max_length:
        raise CatalogValidationError(
            _("%(field)s is too long (at most %(max)s characters).")
            % {"field": str(label).capitalize(), "max": max_length}, data={"field": field},
        )
    return value


def clean_price(amount, currency: str) -> tuple[Decimal | None, str]:
    """A price is optional (on request) but never negative, in a currency that is money
    (not XXX, XTS or gold), with no more decimals than the currency allows."""
    try:
        if amount is None or amount == "":
            return None, Money.zero(currency or "").currency
        money = Money.from_input(amount, currency, label=_("The price"), maximum=MAX_PRICE)
    except InvalidMoney as exc:
        field = "price_currency" if (exc.data or {}).get("field") == "currency" else "price_amount"
        raise CatalogValidationError(exc.message, code="invalid_price",
                                     data={"field": field}) from exc
    return money.amount, money.currency


def upload_name(extension: str) -> str:
    """Stored file names are ours, never the uploader's."""
    return f"{uuid.uuid4().hex}.{extension}"
