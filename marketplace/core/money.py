"""Money: a Decimal amount with an ISO 4217 currency.

Amounts never touch floats. Arithmetic refuses mixed currencies. Minor units (what
Stripe wants) exist only at the payment boundary and use the currency's exponent as
Babel knows it (CNY 2, JPY 0, KWD 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision, list_currencies
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import DomainError

_KNOWN = frozenset(list_currencies())


class CurrencyMismatch(DomainError):
    code = "currency_mismatch"
    default_message = _("Amounts in different currencies cannot be combined.")


class InvalidMoney(DomainError):
    code = "invalid_money"
    default_message = _("This is not a valid amount of money.")


def currency_exponent(currency: str) -> int:
    return get_currency_precision(currency)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self):
        if isinstance(self.amount, float):
            raise InvalidMoney(_("Money amounts must not be floats."))
        try:
            amount = Decimal(self.amount)
        except (InvalidOperation, TypeError, ValueError) as exc:
            raise InvalidMoney() from exc
        if not amount.is_finite():
            raise InvalidMoney()
        currency = str(self.currency).upper()
        if currency not in _KNOWN:
            raise InvalidMoney(_("Unknown currency: %(currency)s") % {"currency": currency})
        object.__setattr__(self, "amount", amount)
        object.__setattr__(self, "currency", currency)

    # construction -------------------------------------------------------------
    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor_units(cls, units: int, currency: str) -> Money:
        if not isinstance(units, int) or isinstance(units, bool):
            raise InvalidMoney()
        return cls(Decimal(units).scaleb(-currency_exponent(currency)), currency)

    # conversion -------------------------------------------------------------
    def to_minor_units(self) -> int:
        """Integer minor units, refusing amounts finer than the currency allows."""
        exp = currency_exponent(self.currency)
        scaled = self.amount.scaleb(exp)
        if scaled != scaled.to_integral_value():
            raise InvalidMoney(
                _("%(amount)s has more decimals than %(currency)s allows.")
                % {"amount": self.amount, "currency": self.currency}
            )
        return int(scaled)

    def quantized(self) -> Money:
        exp = currency_exponent(self.currency)
        return Money(self.amount.quantize(Decimal(1).scaleb(-exp), ROUND_HALF_UP), self.currency)

    def format(self, locale: str | None = None) -> str:
        lang = (locale or get_language() or "zh-hans").replace("-", "_")
        babel_locale = {"zh_hans": "zh_Hans_CN", "en": "en_US"}.get(lang.lower(), "zh_Hans_CN")
        return format_currency(self.amount, self.currency, locale=babel_locale)

    def __str__(self) -> str:
        return f"{self.quantized().amount} {self.currency}"

    # arithmetic ---------------------------------------------------------------
    def _check(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch()
        return other

    def __add__(self, other: Money) -> Money:
        other = self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        other = self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        if isinstance(factor, float | Money):
            raise TypeError("Money can only be multiplied by int or Decimal")
        return Money(self.amount * Decimal(factor), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._check(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._check(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._check(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._check(other).amount

    def is_zero(self) -> bool:
        return self.amount == 0

    def is_negative(self) -> bool:
        return self.amount < 0

    def allocate(self, ratios: list[int]) -> list[Money]:
        """Split into parts by integer ratios without losing a minor unit."""
        total_units = self.quantized().to_minor_units()
        total_ratio = sum(ratios)
        if total_ratio <= 0:
            raise InvalidMoney()
        parts = [total_units * r // total_ratio for r in ratios]
        for i in range(total_units - sum(parts)):
            parts[i % len(parts)] += 1
        return [Money.from_minor_units(p, self.currency) for p in parts]


def money_sum(items, currency: str) -> Money:
    total = Money.zero(currency)
    for item in items:
        total = total + item
    return total
