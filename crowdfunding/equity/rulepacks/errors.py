"""Refusals of the rule packs.

They are ``DomainError``s (a translated message, a code, a 4xx) so a service can let
them through to the person. The packs must also work where Django's settings cannot be
loaded (a regulator's script, a subprocess without ``DJANGO_SETTINGS_MODULE``): there the
message stays in English rather than the refusal turning into ``ImproperlyConfigured``.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import DomainError


def plain_text(message) -> str:
    """``message`` as text: translated when Django's settings load, else its source."""
    try:
        return str(message)
    except ImproperlyConfigured:
        args = getattr(message, "_args", None)
        return str(args[0]) if args else repr(message)


def _interpolated(message, params: dict) -> str:
    return plain_text(message) % params


_interpolate = lazy(_interpolated, str)


def interpolate(message, params: dict):
    """``message % params``, rendered only when read (``_("...") % {...}`` would render
    at once, which needs settings), in the reader's language."""
    return _interpolate(message, params)


class RulePackError(DomainError, ValueError):
    """An input a rule cannot be applied to (400)."""

    code = "rule_pack_input"
    default_message = _("This input cannot be checked against the investor protection rules.")

    def __init__(self, message=None, *, code: str | None = None, data: dict | None = None):
        # DomainError.__init__ renders the message at once, which needs settings; this
        # renders it through plain_text instead.
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.data = data or {}
        Exception.__init__(self, plain_text(self.message))

    def __str__(self) -> str:
        return plain_text(self.message)


class UnknownRulePack(RulePackError, KeyError):
    """``rulepacks.get()`` was asked for a code no pack has (a ``KeyError`` too)."""

    code = "unknown_rule_pack"
    default_message = _("There is no such investor protection rule pack.")


class UnknownVehicle(RulePackError):
    code = "unknown_vehicle"
    default_message = _("Unknown investment vehicle.")


class WrongCurrency(RulePackError):
    code = "rule_pack_currency"
    default_message = _("This rule is defined in another currency.")


class NaiveDatetime(RulePackError):
    code = "rule_pack_naive_datetime"
    default_message = _("Times given to the investor protection rules must carry a time zone.")
