"""Template helpers of the voucher pages."""

from django import template

from vouchers.packs import category_label as _category_label

register = template.Library()


@register.filter
def category_label(code: str, programme) -> str:
    """The programme's name of a category code, in the reader's language."""
    return _category_label(programme, code)
