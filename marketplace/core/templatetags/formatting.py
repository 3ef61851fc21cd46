"""The locale formatting filters (see marketplace.core.formatting)::

    {% load formatting %}
    {{ product.created_at|ldate }}  {{ event.at|ldatetime }}  {{ total|number }}
    {{ amount|money:currency }}  {{ some_money|money }}
"""

from __future__ import annotations

from django import template

from marketplace.core import formatting

register = template.Library()


@register.filter
def ldate(value) -> str:
    return formatting.format_date(value)


@register.filter
def ltime(value) -> str:
    return formatting.format_time(value)


@register.filter
def ldatetime(value) -> str:
    return formatting.format_datetime(value)


@register.filter
def number(value, decimals=None) -> str:
    return formatting.format_number(value, decimals=None if decimals in (None, "") else
                                    int(decimals))


@register.filter
def money(value, currency=None) -> str:
    return formatting.format_money(value, currency or None)
