from decimal import Decimal

import pytest
from django.db import models
from django.test.utils import isolate_apps
from hypothesis import given
from hypothesis import strategies as st

from marketplace.core.money import (
    AMOUNT_DECIMAL_PLACES,
    AMOUNT_MAX_DIGITS,
    LEGAL_TENDER,
    MAX_AMOUNT,
    CurrencyMismatch,
    InvalidMoney,
    Money,
    currency_exponent,
    money_attribute,
    money_sum,
)

CURRENCIES = ["CNY", "USD", "EUR", "JPY", "KWD", "BHD"]


def amounts(places: int = 2):
    return st.decimals(
        min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=places,
        allow_nan=False, allow_infinity=False,
    )


@st.composite
def money_triples(draw):
    currency = draw(st.sampled_from(CURRENCIES))
    places = currency_exponent(currency)
    a, b, c = (draw(amounts(places)) for _ in range(3))
    return Money(a, currency), Money(b, currency), Money(c, currency)


@given(money_triples())
def test_addition_is_associative_and_commutative(triple):
    a, b, c = triple
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a
    assert (a + b).currency == a.currency


@given(money_triples())
def test_subtraction_undoes_addition(triple):
    a, b, _ = triple
    assert (a + b) - b == a
    assert a - a == Money.zero(a.currency)
    assert -(a - b) == b - a


@given(amounts(), amounts())
def test_mixed_currencies_are_refused(x, y):
    cny, usd = Money(x, "CNY"), Money(y, "USD")
    with pytest.raises(CurrencyMismatch):
        cny + usd
    with pytest.raises(CurrencyMismatch):
        cny - usd
    with pytest.raises(CurrencyMismatch):
        cny < usd  # noqa: B015


def test_mixed_currency_error_is_a_4xx_domain_error():
    assert CurrencyMismatch.status_code == 400
    assert CurrencyMismatch.code == "currency_mismatch"


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_floats_are_refused(value):
    with pytest.raises(InvalidMoney):
        Money(value, "CNY")


def test_floats_are_refused_in_multiplication_and_bad_values_in_construction():
    with pytest.raises(TypeError):
        Money("1.00", "CNY") * 1.5
    with pytest.raises(TypeError):
        Money("1.00", "CNY") * "2"
    with pytest.raises(TypeError):
        Money("1.00", "CNY") + 1
    for bad in ("abc", "NaN", "Infinity", True, None):
        with pytest.raises(InvalidMoney):
            Money(bad, "CNY")
    with pytest.raises(InvalidMoney):
        Money("1", "XXXY")


def test_currency_is_normalised_and_equality_ignores_trailing_zeros():
    assert Money("1.5", "cny") == Money(Decimal("1.50"), "CNY")
    assert Money("1", "CNY") != Money("1", "USD")
    assert hash(Money("1.5", "CNY")) == hash(Money("1.50", "CNY"))


@pytest.mark.parametrize(
    ("currency", "exponent"), [("CNY", 2), ("USD", 2), ("JPY", 0), ("KWD", 3), ("BHD", 3)]
)
def test_exponents_come_from_babel(currency, exponent):
    assert currency_exponent(currency) == exponent


@given(
    st.integers(min_value=-(10**30), max_value=10**30), st.sampled_from(CURRENCIES)
)
def test_minor_units_round_trip(units, currency):
    money = Money.from_minor_units(units, currency)
    assert money.to_minor_units() == units
    assert -money.amount.as_tuple().exponent == currency_exponent(currency)


@pytest.mark.parametrize(
    ("amount", "currency", "units"),
    [("12.34", "CNY", 1234), ("1234", "JPY", 1234), ("1.234", "KWD", 1234),
     ("0.001", "BHD", 1), ("-5.5", "CNY", -550), ("100", "CNY", 10000)],
)
def test_minor_units_use_the_currency_exponent(amount, currency, units):
    assert Money(amount, currency).to_minor_units() == units
    assert Money.from_minor_units(units, currency) == Money(amount, currency)


@pytest.mark.parametrize(
    ("amount", "currency"),
    [("12.345", "CNY"), ("1.5", "JPY"), ("0.0001", "KWD"),
     # 29 significant digits: a context-rounded conversion would wrongly accept it
     ("1.0000000000000000000000000001", "CNY")],
)
def test_to_minor_units_refuses_sub_minor_amounts(amount, currency):
    with pytest.raises(InvalidMoney):
        Money(amount, currency).to_minor_units()


def test_from_minor_units_refuses_non_integers():
    for bad in (1.0, Decimal("1"), "1", True):
        with pytest.raises(InvalidMoney):
            Money.from_minor_units(bad, "CNY")


@given(
    st.integers(min_value=-(10**15), max_value=10**15),
    st.sampled_from(CURRENCIES),
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12).filter(any),
)
def test_allocate_never_loses_or_creates_a_minor_unit(units, currency, ratios):
    total = Money.from_minor_units(units, currency)
    parts = total.allocate(ratios)
    assert len(parts) == len(ratios)
    assert money_sum(parts, currency) == total
    assert sum(p.to_minor_units() for p in parts) == units
    total_ratio = sum(ratios)
    for part, ratio in zip(parts, ratios, strict=True):
        if ratio == 0:
            assert part.is_zero()
        # each part is within one minor unit of its exact share
        exact = Decimal(units) * ratio / total_ratio
        assert abs(Decimal(part.to_minor_units()) - exact) < 1


def test_allocate_examples_and_refusals():
    assert Money("10", "CNY").allocate([1, 1, 1]) == [
        Money("3.34", "CNY"), Money("3.33", "CNY"), Money("3.33", "CNY")
    ]
    # the leftover cent goes to the largest remainder, not blindly to the first part
    assert Money("0.05", "CNY").allocate([1, 3]) == [Money("0.01", "CNY"), Money("0.04", "CNY")]
    assert Money("1", "JPY").allocate([0, 1, 1]) == [
        Money(0, "JPY"), Money(1, "JPY"), Money(0, "JPY")
    ]
    for bad in ([], [0, 0], [1, -1], [Decimal("0.5")], [True]):
        with pytest.raises(InvalidMoney):
            Money("10", "CNY").allocate(bad)
    with pytest.raises(InvalidMoney):
        Money("10.005", "CNY").allocate([1, 1])


def test_quantize_and_str_round_half_up():
    assert Money("1.005", "CNY").quantized() == Money("1.01", "CNY")
    assert Money("12.5", "JPY").quantized() == Money("13", "JPY")
    assert str(Money("3", "CNY")) == "3.00 CNY"
    # huge amounts do not overflow the decimal context
    assert Money("1e30", "CNY").quantized().amount == Decimal("1e30")


def test_multiplication_and_comparison():
    price = Money("19.99", "CNY")
    assert price * 3 == Money("59.97", "CNY")
    assert 3 * price == price * 3
    assert price * Decimal("0.5") == Money("9.995", "CNY")
    assert Money("1", "CNY") < Money("2", "CNY") <= Money("2", "CNY")
    assert abs(Money("-2", "CNY")) == Money("2", "CNY")
    assert Money("-2", "CNY").is_negative()


def test_format_follows_the_language():
    amount = Money("1234.5", "CNY")
    assert amount.format("en") == "CN¥1,234.50"
    assert amount.format("zh-hans") == "¥1,234.50"


class _Priced:
    """Plain object standing in for a model with an amount and a currency column."""

    price = money_attribute("price_amount", "price_currency")

    def __init__(self):
        self.price_amount = None
        self.price_currency = "CNY"


def test_money_attribute_reads_and_writes_the_column_pair():
    item = _Priced()
    assert item.price is None
    item.price = Money("9.90", "USD")
    assert (item.price_amount, item.price_currency) == (Decimal("9.90"), "USD")
    assert item.price == Money("9.9", "USD")
    with pytest.raises(TypeError):
        item.price = Decimal("1")
    item.price = None
    assert item.price is None and item.price_currency == "USD"


@isolate_apps("marketplace.core")
def test_money_attribute_works_on_a_django_model():
    class PricedThing(models.Model):
        price_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True)
        price_currency = models.CharField(max_length=3, default="CNY")
        price = money_attribute("price_amount", "price_currency")

        class Meta:
            app_label = "core"

        def __str__(self):
            return str(self.price)

    thing = PricedThing(price=Money("5.00", "EUR"))
    assert thing.price_amount == Decimal("5.00") and thing.price_currency == "EUR"
    assert thing.price == Money("5", "EUR")


# --- what people type: Money.from_input ---------------------------------------------


@pytest.mark.parametrize(("typed", "currency", "expected"), [
    (" 12.50 ", "CNY", Decimal("12.50")),
    ("12.5\n", "cny", Decimal("12.5")),
    ("0", "CNY", Decimal("0")),
    ("1234", "JPY", Decimal("1234")),
    ("1.234", "KWD", Decimal("1.234")),
    (Decimal("99.99"), "USD", Decimal("99.99")),
    (7, "EUR", Decimal("7")),
])
def test_from_input_accepts_plain_amounts(typed, currency, expected):
    money = Money.from_input(typed, currency)
    assert money.amount == expected
    assert money.currency == currency.upper()


@pytest.mark.parametrize(("typed", "currency", "en", "zh"), [
    ("12 500", "CNY", "The price must be a number.", "价格必须是数字。"),
    ("12,50", "CNY", "The price must be a number.", "价格必须是数字。"),
    ("1,000.00", "CNY", "The price must be a number.", "价格必须是数字。"),
    ("", "CNY", "The price must be a number.", "价格必须是数字。"),
    ("   ", "CNY", "The price must be a number.", "价格必须是数字。"),
    (None, "CNY", "The price must be a number.", "价格必须是数字。"),
    ("abc", "CNY", "The price must be a number.", "价格必须是数字。"),
    ("NaN", "CNY", "The price must be a number.", "价格必须是数字。"),
    ("-Infinity", "CNY", "The price must be a number.", "价格必须是数字。"),
    (1.5, "CNY", "The price must be a number.", "价格必须是数字。"),
    (True, "CNY", "The price must be a number.", "价格必须是数字。"),
    ("-0.01", "CNY", "The price cannot be negative.", "价格不能为负数。"),
    ("1.005", "CNY", "The price can have at most 2 decimals in CNY.",
     "价格以 CNY 计最多保留 2 位小数。"),
    ("1.5", "JPY", "The price can have at most 0 decimals in JPY.",
     "价格以 JPY 计最多保留 0 位小数。"),
    ("1.0001", "KWD", "The price can have at most 3 decimals in KWD.",
     "价格以 KWD 计最多保留 3 位小数。"),
    ("1e-999999", "CNY", "The price can have at most 2 decimals in CNY.",
     "价格以 CNY 计最多保留 2 位小数。"),
    ("10", "XXX", "Unknown currency: XXX", "未知币种：XXX"),
    ("10", "", "Unknown currency: ", "未知币种："),
])
def test_from_input_refuses_with_a_clear_message(typed, currency, en, zh):
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    for language, message in (("en", en), ("zh-hans", zh)):
        with translation.override(language):
            with pytest.raises(InvalidMoney) as exc:
                Money.from_input(typed, currency, label=gettext_lazy("The price"))
            assert str(exc.value.message) == message
            assert exc.value.status_code == 400


def test_from_input_names_the_currency_field_when_the_currency_is_refused():
    with pytest.raises(InvalidMoney) as exc:
        Money.from_input("10", "XTS")
    assert exc.value.data == {"field": "currency"}


def test_from_input_positive_refuses_zero():
    from django.utils import translation

    with translation.override("en"), pytest.raises(InvalidMoney) as exc:
        Money.from_input("0.00", "CNY", positive=True)
    assert str(exc.value.message) == "The amount must be more than zero."


@pytest.mark.parametrize("typed", ["10000000000000000", "1e20", "1e999999"])
def test_from_input_refuses_more_than_an_amount_column_holds(typed):
    """Without a maximum of its own, an amount is still capped at MAX_AMOUNT: a larger
    one would overflow the column when saved (a 500 instead of a message)."""
    from django.utils import translation

    with translation.override("en"), pytest.raises(InvalidMoney) as exc:
        Money.from_input(typed, "CNY")
    assert str(exc.value.message) == "The amount is too large."


def test_from_input_keeps_the_smaller_of_its_maximum_and_max_amount():
    assert Money.from_input(str(MAX_AMOUNT), "CNY").amount == MAX_AMOUNT
    with pytest.raises(InvalidMoney):
        Money.from_input("101", "CNY", maximum=Decimal("100"))
    with pytest.raises(InvalidMoney):
        Money.from_input(str(MAX_AMOUNT + 1), "CNY", maximum=MAX_AMOUNT * 10)


def test_max_amount_is_what_the_amount_column_holds():
    assert Decimal("9999999999999999") == MAX_AMOUNT
    assert len(str(MAX_AMOUNT)) == AMOUNT_MAX_DIGITS - AMOUNT_DECIMAL_PLACES


@pytest.mark.django_db
def test_max_amount_fits_the_column_and_one_more_digit_does_not(requires_postgres):
    """The real column on PostgreSQL: MAX_AMOUNT with the finest decimals is stored."""
    from django.db import DataError, connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT CAST(%s AS numeric({AMOUNT_MAX_DIGITS}, "
                       f"{AMOUNT_DECIMAL_PLACES}))", [str(MAX_AMOUNT) + ".9999"])
        assert cursor.fetchone()[0] == Decimal(str(MAX_AMOUNT) + ".9999")
        with pytest.raises(DataError), transaction.atomic():
            cursor.execute(f"SELECT CAST(%s AS numeric({AMOUNT_MAX_DIGITS}, "
                           f"{AMOUNT_DECIMAL_PLACES}))", [str(MAX_AMOUNT + 1)])


# --- currencies, minor units, the API shape -------------------------------------------


@pytest.mark.parametrize("code", ["CNY", "USD", "EUR", "JPY", "KWD", "HKD", "GBP"])
def test_legal_tender_holds_real_currencies(code):
    assert code in LEGAL_TENDER
    assert Money("1", code).currency == code


@pytest.mark.parametrize("code", ["XXX", "XTS", "XAU", "XDR", "DEM", "HRK", "ABC", "cnyy"])
def test_legal_tender_refuses_codes_that_are_not_money(code):
    assert code.upper() not in LEGAL_TENDER
    with pytest.raises(InvalidMoney):
        Money("1", code)
    with pytest.raises(InvalidMoney):
        Money.from_input("1", code)


@pytest.mark.parametrize(("currency", "unit"), [
    ("CNY", Decimal("0.01")), ("JPY", Decimal("1")), ("KWD", Decimal("0.001")),
])
def test_minor_unit_is_the_smallest_amount_of_the_currency(currency, unit):
    minor = Money("123.45" if currency != "JPY" else "123", currency).minor_unit()
    assert minor == Money(unit, currency)
    assert minor.to_minor_units() == 1


@pytest.mark.parametrize(("money", "language", "expected"), [
    (Money("1234.5", "CNY"), "en", {"amount": "1234.50", "currency": "CNY",
                                    "display": "CN¥1,234.50"}),
    (Money("1234.5", "CNY"), "zh-hans", {"amount": "1234.50", "currency": "CNY",
                                         "display": "¥1,234.50"}),
    (Money("1234.5", "JPY"), "en", {"amount": "1235", "currency": "JPY",
                                    "display": "¥1,235"}),
    (Money("0.0005", "KWD"), "en", {"amount": "0.001", "currency": "KWD",
                                    "display": "KWD0.001"}),
])
def test_as_json_is_the_exact_string_the_currency_and_the_readers_format(money, language,
                                                                        expected):
    from django.utils import translation

    with translation.override(language):
        body = money.as_json()
    assert body == expected
    assert isinstance(body["amount"], str)
