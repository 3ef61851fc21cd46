"""Money: a Decimal amount with an ISO 4217 currency.

Amounts never touch floats. Arithmetic refuses mixed currencies. Minor units (what
Stripe wants) exist only at the payment boundary and use the currency's exponent as
Babel knows it (CNY 2, JPY 0, KWD 3). Conversions to and from minor units are exact
integer arithmetic, never rounded by the decimal context.

Models keep an amount and a currency column; ``money_attribute()`` exposes the pair as
one ``Money``::

    class Product(models.Model):
        price_amount = models.DecimalField(max_digits=14, decimal_places=2)
        price_currency = models.CharField(max_length=3, default="CNY")
        price = money_attribute("price_amount", "price_currency")
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

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


def _babel_locale(language: str) -> str:
    lang = language.replace("_", "-").lower()
    if lang.startswith("en"):
        return "en_US"
    return "zh_Hans_CN"


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self):
        if isinstance(self.amount, float):
            raise InvalidMoney(_("Money amounts must not be floats."))
        if isinstance(self.amount, bool):
            raise InvalidMoney()
        try:
            amount = Decimal(self.amount)
        except (InvalidOperation, TypeError, ValueError) as exc:
            raise InvalidMoney() from exc
        if not amount.is_finite():
            raise InvalidMoney()
        currency = str(self.currency).strip().upper()
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
        exp = currency_exponent(str(currency).strip().upper())
        digits = tuple(int(d) for d in str(abs(units)))
        return cls(Decimal((1 if units < 0 else 0, digits, -exp)), currency)

    # conversion -------------------------------------------------------------
    def to_minor_units(self) -> int:
        """Integer minor units, refusing amounts finer than the currency allows."""
        exp = currency_exponent(self.currency)
        sign, digits, exponent = self.amount.as_tuple()
        coefficient = int("".join(map(str, digits)) or "0")
        shift = exponent + exp
        if shift >= 0:
            units = coefficient * 10**shift
        else:
            units, remainder = divmod(coefficient, 10**-shift)
            if remainder:
                raise InvalidMoney(
                    _("%(amount)s has more decimals than %(currency)s allows.")
                    % {"amount": self.amount, "currency": self.currency}
                )
        return -units if sign else units

    def quantized(self) -> Money:
        """Rounded half-up to the currency's minor unit (for display and totals)."""
        exp = currency_exponent(self.currency)
        _sign, digits, exponent = self.amount.as_tuple()
        with localcontext() as ctx:  # never fail for lack of precision on big amounts
            ctx.prec = max(ctx.prec, len(digits) + abs(exponent) + exp + 2)
            amount = self.amount.quantize(Decimal(1).scaleb(-exp), ROUND_HALF_UP)
        return Money(amount, self.currency)

    def format(self, locale: str | None = None) -> str:
        babel_locale = _babel_locale(locale or get_language() or "zh-hans")
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
        if isinstance(factor, bool) or not isinstance(factor, int | Decimal):
            raise TypeError("Money can only be multiplied by int or Decimal")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

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
        """Split into parts proportional to non-negative integer ``ratios``.

        The parts add up to exactly this amount: the minor units left over after the
        proportional floor go, one each, to the parts with the largest remainders (ties
        to the earlier part), so a part with ratio 0 never receives anything. The amount
        must be a whole number of minor units (``to_minor_units`` refuses otherwise).
        """
        if not ratios or any(
            isinstance(r, bool) or not isinstance(r, int) or r < 0 for r in ratios
        ):
            raise InvalidMoney(_("Allocation ratios must be non-negative whole numbers."))
        total_ratio = sum(ratios)
        if total_ratio == 0:
            raise InvalidMoney(_("Allocation ratios must not all be zero."))
        total_units = self.to_minor_units()
        parts = [total_units * r // total_ratio for r in ratios]
        leftover = total_units - sum(parts)
        by_remainder = sorted(
            range(len(ratios)), key=lambda i: (-(total_units * ratios[i] % total_ratio), i)
        )
        for i in by_remainder[:leftover]:
            parts[i] += 1
        return [Money.from_minor_units(p, self.currency) for p in parts]


def money_sum(items, currency: str) -> Money:
    total = Money.zero(currency)
    for item in items:
        total = total + item
    return total


def money_attribute(amount_field: str, currency_field: str) -> property:
    """A model property reading and writing an (amount, currency) column pair as Money.

    Reading gives ``None`` while the amount is ``None``; assigning ``None`` clears the
    amount and keeps the currency. Because it is a ``property``, it also works as a
    keyword argument of the model constructor.
    """

    def fget(instance) -> Money | None:
        amount = getattr(instance, amount_field)
        if amount is None:
            return None
        return Money(amount, getattr(instance, currency_field))

    def fset(instance, value: Money | None) -> None:
        if value is None:
            setattr(instance, amount_field, None)
            return
        if not isinstance(value, Money):
            raise TypeError(f"expected Money, got {type(value).__name__}")
        setattr(instance, amount_field, value.amount)
        setattr(instance, currency_field, value.currency)

    return property(fget, fset, doc=f"Money from {amount_field} and {currency_field}.")
