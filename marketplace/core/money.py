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

from babel.core import get_global
from babel.numbers import format_currency, get_currency_precision, get_territory_currencies
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import DomainError
from marketplace.core.locale import babel_locale


def _legal_tender() -> frozenset[str]:
    """Currencies that are legal tender somewhere today, as Babel's CLDR data says: the
    ISO codes that are not money (XXX "no currency", XTS "testing", XAU gold, XDR special
    drawing rights, fund codes) and withdrawn currencies (DEM, HRK) are not in it."""
    found: set[str] = set()
    for territory in get_global("territory_currencies"):
        found.update(get_territory_currencies(territory, tender=True))
    return frozenset(found)


LEGAL_TENDER = _legal_tender()
_KNOWN = LEGAL_TENDER

# One column scale for every amount: four decimals hold the finest minor unit Babel knows
# (CLF, UYW: exponent 4; KWD, BHD: 3), sixteen digits before the point.
AMOUNT_MAX_DIGITS = 20
AMOUNT_DECIMAL_PLACES = 4


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

    def quantized(self, rounding: str = ROUND_HALF_UP) -> Money:
        """Rounded to the currency's minor unit: half-up by default (display, totals);
        pass ``decimal.ROUND_DOWN`` where a result must never exceed a cap or a share
        (a premium capped at 3 %, a subsidy of at most 80 %)."""
        exp = currency_exponent(self.currency)
        _sign, digits, exponent = self.amount.as_tuple()
        with localcontext() as ctx:  # never fail for lack of precision on big amounts
            ctx.prec = max(ctx.prec, len(digits) + abs(exponent) + exp + 2)
            amount = self.amount.quantize(Decimal(1).scaleb(-exp), rounding)
        return Money(amount, self.currency)

    def minor_unit(self) -> Money:
        """The smallest amount of this currency (0.01 CNY, 1 JPY, 0.001 KWD)."""
        return Money(Decimal(1).scaleb(-currency_exponent(self.currency)), self.currency)

    def format(self, locale: str | None = None) -> str:
        return format_currency(self.quantized().amount, self.currency,
                               locale=babel_locale(locale))

    def as_json(self) -> dict:
        """The API shape of an amount: exact string, currency, and the reader's format."""
        money = self.quantized()
        return {"amount": str(money.amount), "currency": money.currency,
                "display": money.format()}

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


    @classmethod
    def from_input(cls, amount, currency: str, *, label=None, positive: bool = False,
                   maximum: Decimal | None = None) -> Money:
        """Clean an amount a person typed: a number, not negative (not zero either when
        ``positive``), no more decimals than the currency has, in a currency that is money,
        at most ``maximum`` and never more than ``MAX_AMOUNT`` (what an amount column
        holds: a larger amount would fail when saved). Refusals are ``InvalidMoney``
        naming ``label``."""
        label = label or _("The amount")
        currency = str(currency or "").strip().upper()
        if currency not in _KNOWN:
            raise InvalidMoney(_("Unknown currency: %(currency)s") % {"currency": currency},
                               data={"field": "currency"})
        if isinstance(amount, float | bool):
            raise InvalidMoney(_("%(field)s must be a number.") % {"field": label})
        try:
            value = Decimal(str(amount).strip())
        except (InvalidOperation, ValueError) as exc:
            raise InvalidMoney(_("%(field)s must be a number.") % {"field": label}) from exc
        if not value.is_finite():
            raise InvalidMoney(_("%(field)s must be a number.") % {"field": label})
        if value < 0 or (positive and value == 0):
            raise InvalidMoney(
                (_("%(field)s must be more than zero.") if positive
                 else _("%(field)s cannot be negative.")) % {"field": label}
            )
        limit = MAX_AMOUNT if maximum is None else min(maximum, MAX_AMOUNT)
        if value > limit:
            raise InvalidMoney(_("%(field)s is too large.") % {"field": label})
        money = cls(value, currency)
        exponent = currency_exponent(currency)
        if money.quantized().amount != value:
            raise InvalidMoney(
                _("%(field)s can have at most %(places)s decimals in %(currency)s.")
                % {"field": label, "places": exponent, "currency": currency}
            )
        return money


# The largest amount an amount column holds.
MAX_AMOUNT = Decimal(10) ** (AMOUNT_MAX_DIGITS - AMOUNT_DECIMAL_PLACES) - 1


def amount_field(verbose_name=None, **kwargs) -> models.DecimalField:
    """The column of every amount (see ``AMOUNT_DECIMAL_PLACES``); pair it with a
    currency column and ``money_attribute``."""
    return models.DecimalField(
        verbose_name, max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES,
        **kwargs,
    )


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
