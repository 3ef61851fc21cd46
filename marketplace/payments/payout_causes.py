"""What an offline payout may pay for: causes apps register (the core imports none).

A feature app that owes an organisation money the platform does not hold on a card (a
voucher redemption approved for its service provider) registers the cause's kind from
its ``AppConfig.ready()``::

    register_payout_cause(PayoutCause(
        kind="vouchers.order", get=lambda pk: VoucherOrder.objects.get(pk=pk),
        due=..., may_record=..., may_approve=...))

``due(record)`` gives (payee organisation, amount owed) or raises a ``DomainError``
naming why nothing is owed yet; ``may_record`` and ``may_approve`` say who may record the
treasury transfer and who may confirm it (the core adds: never the recorder, with MFA).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _

from marketplace.payments.errors import PaymentsValidationError


@dataclass(frozen=True)
class PayoutCause:
    kind: str
    get: Callable[[int], object]
    due: Callable[[object], tuple]
    may_record: Callable[[object, object], bool]
    may_approve: Callable[[object, object], bool]


@dataclass(frozen=True)
class CauseRef:
    """One cause record, as the permission rules receive it."""

    cause: PayoutCause
    record: object

    @property
    def label(self) -> str:
        return f"{self.cause.kind}:{self.record.pk}"


_CAUSES: dict[str, PayoutCause] = {}


def register_payout_cause(cause: PayoutCause) -> PayoutCause:
    _CAUSES[cause.kind] = cause
    return cause


def cause_resolve(label: str) -> CauseRef:
    """``vouchers.order:12`` -> its registered cause and record; a 400 otherwise."""
    kind, _sep, pk = (label or "").partition(":")
    cause = _CAUSES.get(kind)
    unknown = PaymentsValidationError(_("This payout names nothing the platform owes."),
                                      code="unknown_cause", data={"field": "cause"})
    if cause is None or not pk.isdigit():
        raise unknown
    try:
        return CauseRef(cause, cause.get(int(pk)))
    except ObjectDoesNotExist as exc:
        raise unknown from exc
