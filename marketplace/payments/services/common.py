"""Helpers the payments services share: cleaning amounts and scopes, locking a record,
counting provider calls."""

from __future__ import annotations

import re

from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.money import InvalidMoney, Money
from marketplace.payments.errors import PaymentsValidationError

_SCOPE = re.compile(r"^[a-z][a-z0-9_.]*:[A-Za-z0-9_-]+$")


def clean_amount(amount, currency: str | None = None, *, label=None) -> Money:
    """A positive amount in a currency that is money, with no more decimals than the
    currency has. ``amount`` may be ``Money`` (then ``currency`` is ignored) or what a
    person typed. Refusals are 400s naming the rule."""
    if isinstance(amount, Money):
        amount, currency = amount.amount, amount.currency
    try:
        return Money.from_input(amount, currency or "", label=label or _("The amount"),
                                positive=True)
    except InvalidMoney as exc:
        raise PaymentsValidationError(exc.message, code="invalid_amount",
                                      data=exc.data or {"field": "amount"}) from exc


def clean_scope(scope: str, *, field: str = "scope") -> str:
    """What money is held for: ``<app>.<model>:<id>`` (``crowdfunding.campaign:42``)."""
    scope = (scope or "").strip()
    if not _SCOPE.match(scope) or len(scope) > 100:
        raise PaymentsValidationError(
            _("Say what the money is held for, as app.model:id (e.g. crowdfunding.campaign:42)."),
            code="invalid_scope", data={"field": field},
        )
    return scope


def locked(model_instance: Model) -> Model:
    """The row, re-read and locked ``FOR NO KEY UPDATE`` (inside a transaction)."""
    return (type(model_instance)._base_manager.select_for_update(no_key=True)
            .get(pk=model_instance.pk))


def count_provider_call(model_instance: Model) -> None:
    """Note that a provider call is about to be sent (one autocommitted UPDATE: no lock is
    held while the call runs). It touches ``updated_at`` too: the chronograph's
    ``payments.resume`` takes records left untouched for a while, and one whose call has
    just started is not left (a second, concurrent send would only wait on the key)."""
    type(model_instance)._base_manager.filter(pk=model_instance.pk).update(
        provider_calls=F("provider_calls") + 1, updated_at=timezone.now())


def fresh(model_instance: Model) -> Model:
    return type(model_instance)._base_manager.get(pk=model_instance.pk)
