"""Refunds: full or partial, from one succeeded attempt.

``refund_request`` checks the amount against what is left of the attempt and what is
still held in its escrow (locking the attempt and the escrow account for that check only),
records the refund ``pending``, reserves the money in the ledger and enqueues the send.
``refund_send`` calls the provider outside any transaction with the refund's key and
records ``succeeded`` or ``failed`` (which gives the money back to the escrow).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from marketplace.core.audit import audit_log
from marketplace.core.money import Money
from marketplace.core.signals import announce
from marketplace.core.tasks import enqueue
from marketplace.core.transitions import transition
from marketplace.core.validation import clean_reason
from marketplace.payments.errors import GatewayRejected, PaymentsConflict, RefundTooLarge
from marketplace.payments.ledger.models import AccountKind, EntryKind
from marketplace.payments.ledger.posting import account_balance, account_lock, post_refund
from marketplace.payments.models import PaymentAttempt, Provider, Refund
from marketplace.payments.providers import get_provider
from marketplace.payments.providers.base import RefundRequest, RefundResult
from marketplace.payments.services.common import clean_amount, count_provider_call, fresh, locked
from marketplace.payments.services.gateway import provider_call
from marketplace.payments.services.recovery import lost_answer
from marketplace.payments.signals import refund_changed
from marketplace.payments.states import REFUND_STATES, PaymentsAction

R = Refund.Status
SEND_TASK = "marketplace.payments.tasks.refund_send"


def refundable(attempt: PaymentAttempt):
    """What is left to refund of ``attempt`` (pending refunds count as given back)."""
    given = (attempt.refunds.filter(status__in=[R.PENDING, R.SUCCEEDED])
             .aggregate(total=Sum("amount_value"))["total"] or Decimal(0))
    return attempt.amount - Money(given, attempt.currency)


def refund_request(*, attempt: PaymentAttempt, amount=None, reason: str = "",
                   actor=None) -> Refund:
    """Refund ``amount`` (all that is left when None) of a succeeded attempt. Refused with
    a 400 naming the rule: zero or less, too many decimals, another currency, more than is
    left of the payment or more than is still held for it."""
    reason = clean_reason(reason, required=False)
    with transaction.atomic():
        current = locked(attempt)
        if current.status != PaymentAttempt.Status.SUCCEEDED:
            raise PaymentsConflict(_("Only a payment that succeeded can be refunded."),
                                   code="attempt_not_succeeded")
        left = refundable(current)
        money = left if amount is None else clean_amount(amount, current.currency,
                                                         label=_("The refund"))
        if money.currency != current.currency:
            raise RefundTooLarge(
                _("A refund must be in the payment's currency (%(currency)s).")
                % {"currency": current.currency}, code="refund_currency",
                data={"field": "currency"})
        if money.is_zero() or money.is_negative():
            raise RefundTooLarge(_("Nothing is left to refund of this payment."),
                                 code="nothing_to_refund")
        if money > left:
            raise RefundTooLarge(
                _("The refund (%(amount)s) is more than what is left of the payment "
                  "(%(left)s).") % {"amount": money, "left": left},
                data={"field": "amount", "left": str(left.amount)})
        escrow = account_lock(AccountKind.ESCROW, money.currency, current.scope)
        held = account_balance(escrow)
        if money > held:
            raise RefundTooLarge(
                _("The refund (%(amount)s) is more than is still held for it (%(held)s); "
                  "the rest was paid out.") % {"amount": money, "held": held},
                code="refund_above_held", data={"field": "amount", "held": str(held.amount)})
        refund = Refund.objects.create(attempt=current, amount=money, reason=reason,
                                       requested_by=actor)
        audit_log(actor=actor, action=PaymentsAction.REFUND_REQUESTED, obj=refund,
                  data={"attempt": current.pk, "amount": str(money.amount),
                        "currency": money.currency})
        post_refund(refund, EntryKind.REFUND_RESERVED, actor=actor)
        enqueue(SEND_TASK, refund.pk)
    return refund


def refund_send(*, refund: Refund) -> Refund:
    """Send a pending refund to the provider (outside any transaction, the refund's key)
    and record the answer. A refund the provider refuses is recorded as failed."""
    refund = fresh(refund)
    if refund.status != R.PENDING:
        return refund
    attempt = refund.attempt
    provider = get_provider("offline" if attempt.provider == Provider.OFFLINE else "stripe")
    request = RefundRequest(idempotency_key=refund.key, payment_id=attempt.provider_payment_id,
                            amount=refund.amount, reason=refund.reason,
                            metadata={"refund": str(refund.uid), "attempt": str(attempt.uid)})
    found = attempt.provider == Provider.STRIPE and lost_answer(
        refund, answered=bool(refund.provider_refund_id),
        list_objects=provider.refunds_list, metadata_key="refund")
    if found:
        return refund_record(refund=refund, result=found)
    count_provider_call(refund)
    try:
        result = provider_call(lambda: provider.refund(request), what=f"refund {refund.pk}")
    except GatewayRejected as exc:
        result = RefundResult(status="failed", refund_id="", amount=refund.amount,
                              failure_code=exc.code or "refused")
    return refund_record(refund=refund, result=result)


def refund_sync(*, refund: Refund) -> Refund:
    refund = fresh(refund)
    if refund.status != R.PENDING or not refund.provider_refund_id:
        return refund_send(refund=refund) if refund.status == R.PENDING else refund
    provider = get_provider("stripe")
    result = provider_call(lambda: provider.refund_retrieve(refund.provider_refund_id),
                           what=f"refund {refund.pk} re-read")
    return refund_record(refund=refund, result=result)


def refund_record(*, refund: Refund, result: RefundResult, actor=None) -> Refund:
    """Record the provider's answer; idempotent. Succeeded pays the reserve out of our
    cash account; failed releases it back to the escrow."""
    with transaction.atomic():
        current = locked(refund)
        ids = {"provider_refund_id": result.refund_id or current.provider_refund_id}
        if current.status != R.PENDING or result.status == "pending":
            if ids["provider_refund_id"] != current.provider_refund_id:
                current.provider_refund_id = ids["provider_refund_id"]
                current.save(update_fields=["provider_refund_id", "updated_at"])
            return current
        target = R.SUCCEEDED if result.status == "succeeded" else R.FAILED
        transition(current, REFUND_STATES, target, actor=actor,
                   changes={**ids, "failure_code": (result.failure_code or "")[:60]})
        post_refund(current, EntryKind.REFUND_PAID if target == R.SUCCEEDED
                    else EntryKind.REFUND_RELEASED, actor=actor)
        announce(refund_changed, refund_id=current.pk, attempt_id=current.attempt_id,
                 status=target)
    return current
