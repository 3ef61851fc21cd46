"""Input checks the crowdfunding services share. Each raises a 400 naming the field and
writes nothing."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from crowdfunding.errors import CrowdfundingValidationError
from marketplace.core.money import MAX_AMOUNT, InvalidMoney, Money


def clean_text(value, *, field: str, label, max_chars: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if "\x00" in text:
        raise CrowdfundingValidationError(_("Text must not contain NUL characters."),
                                          code="nul_character", data={"field": field})
    if required and not text:
        raise CrowdfundingValidationError(_("%(field)s is required.") % {"field": label},
                                          code="required", data={"field": field})
    if len(text) > max_chars:
        raise CrowdfundingValidationError(
            _("%(field)s is too long (at most %(max)s characters).")
            % {"field": label, "max": max_chars}, code="too_long", data={"field": field})
    return text


def clean_money(amount, currency: str, *, field: str, label, positive: bool = True) -> Money:
    if isinstance(amount, Money):
        amount, currency = amount.amount, amount.currency
    try:
        return Money.from_input(amount, currency, label=label, positive=positive,
                                maximum=MAX_AMOUNT)
    except InvalidMoney as exc:
        raise CrowdfundingValidationError(exc.message, code="invalid_amount",
                                          data={"field": field}) from exc


def clean_int(value, *, field: str, label, minimum: int, maximum: int) -> int:
    if isinstance(value, bool):
        value = None
    try:
        number = int(str(value).strip()) if value is not None else None
    except (TypeError, ValueError):
        number = None
    if number is None or not minimum <= number <= maximum:
        raise CrowdfundingValidationError(
            _("%(field)s must be a whole number from %(min)s to %(max)s.")
            % {"field": label, "min": minimum, "max": maximum},
            code="out_of_range", data={"field": field})
    return number


def default_fees() -> tuple[Decimal, Decimal]:
    """The fee schedule a new campaign gets (settings; staff may agree another one)."""
    return (Decimal(str(getattr(settings, "CROWDFUNDING_PLATFORM_FEE_PERCENT", "5"))),
            Decimal(str(getattr(settings, "CROWDFUNDING_PROCESSING_FEE_PERCENT", "3"))))
