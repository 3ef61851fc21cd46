"""Dates, times, numbers and money in the reader's locale, in one place (Babel), so every
page shows them one way: "2026年12月2日" / "Dec 2, 2026", "¥268,000.00" / "CN¥268,000.00".

Templates use the filters of ``{% load formatting %}`` (``ldate``, ``ltime``,
``ldatetime``, ``number``, ``money``); Python code calls these functions. Values that are
``None`` or empty format as "" so a template needs no guard. Aware datetimes are shown
in the site's time zone (``TIME_ZONE``, or the one a view activated).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.utils import timezone

from marketplace.core.locale import babel_locale
from marketplace.core.money import Money

DATE_STYLE = "medium"  # 2026年12月2日 / Dec 2, 2026
TIME_STYLE = "short"  # 14:05 / 2:05 PM


def _local(value: datetime) -> datetime:
    if timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _parsed(value):
    """Dates travel as ISO strings in search documents and JSON."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return None
    return value


def format_date(value, *, style: str = DATE_STYLE, language: str | None = None) -> str:
    if value in (None, ""):
        return ""
    value = _parsed(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    return babel_dates.format_date(value, format=style, locale=babel_locale(language))


def format_time(value, *, style: str = TIME_STYLE, language: str | None = None) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        value = _local(value).time()
    return babel_dates.format_time(value, format=style, locale=babel_locale(language))


def format_datetime(value, *, language: str | None = None) -> str:
    """A date and time: the medium date with the short time, joined the locale's way."""
    if value in (None, ""):
        return ""
    value = _parsed(value)
    if not isinstance(value, datetime):
        return format_date(value, language=language) if isinstance(value, date) else str(value)
    value = _local(value)
    locale = babel_locale(language)
    pattern = babel_dates.get_datetime_format(DATE_STYLE, locale=locale)
    return (str(pattern).replace("{1}", format_date(value.date(), language=language))
            .replace("{0}", format_time(value.time(), language=language)))


def format_number(value, *, decimals: int | None = None, language: str | None = None) -> str:
    """Grouped digits in the locale's way; ``decimals`` fixes the number of decimals."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    locale = babel_locale(language)
    if decimals is None:
        return babel_numbers.format_decimal(number, locale=locale)
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return babel_numbers.format_decimal(number, format=pattern, locale=locale,
                                        decimal_quantization=True)


def format_money(value, currency: str | None = None, *, language: str | None = None) -> str:
    """A ``Money``, or an amount with its currency, rounded to the currency's minor unit."""
    if value is None or value == "":
        return ""
    if not isinstance(value, Money):
        if not currency:
            return format_number(value, language=language)
        value = Money(value, currency)
    return value.format(locale=language)


def currency_name(code: str, *, language: str | None = None) -> str:
    """"人民币" / "Chinese Yuan": a currency's name in the reader's language."""
    return babel_numbers.get_currency_name(code, locale=babel_locale(language))
