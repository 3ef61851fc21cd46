"""Payouts: money released from an escrow to a payee, minus fees, approved by staff.

    payout_request  (pending: the gross is reserved in the ledger, out of the escrow)
    payout_approve  (approved by another staff member; the transfer is enqueued)
    payout_send     (the Transfer, outside any transaction, the payout's key) -> paid | failed
    payout_cancel   (pending, or approved and never sent) -> canceled

A payout to an account that cannot receive payouts is refused with the reason, when it is
requested and again when it is approved.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.audit import audit_log
from marketplace.core.money import InvalidMoney, Money
from marketplace.core.permissions import require_perm
from marketplace.core.signals import announce
from marketplace.core.tasks import enqueue
from marketplace.core.transitions import transition
from marketplace.core.validation import clean_reason
from marketplace.payments.errors import (
    GatewayRejected,
    PaymentsConflict,
    PaymentsValidationError,
    PayoutAccountNotReady,
    PayoutTooLarge,
)
from marketplace.payments.ledger.models import AccountKind, EntryKind
from marketplace.payments.ledger.posting import account_balance, account_lock, post_payout
from marketplace.payments.models import ConnectedAccount, Payout
from marketplace.payments.providers import get_provider
from marketplace.payments.providers.base import TransferRequest, TransferResult
from marketplace.payments.rules import PaymentsPerm
from marketplace.payments.services.accounts import payout_refusal
from marketplace.payments.services.common import (
    clean_amount,
    clean_scope,
    count_provider_call,
    fresh,
    locked,
)
from marketplace.payments.services.gateway import provider_call
from marketplace.payments.services.recovery import lost_answer
from marketplace.payments.signals import payout_changed
from marketplace.payments.states import PAYOUT_STATES, PaymentsAction

P = Payout.Status
SEND_TASK = "marketplace.payments.tasks.payout_send"


def _fee(value, currency: str, label) -> Money:
    """A fee: zero or more, in the payout's currency."""
    if value is None or value == "":
        return Money.zero(currency)
    if isinstance(value, Money):
        if value.currency != currency:
            raise PaymentsValidationError(_("Fees must be in the payout's currency."),
                                          code="fee_currency")
        value = value.amount
    try:
        return Money.from_input(value, currency, label=label)
    except InvalidMoney as exc:
        raise PaymentsValidationError(exc.message, code="invalid_amount") from exc


def payout_request(*, account: ConnectedAccount, scope: str, gross, currency: str | None = None,
                   platform_fee=None, processing_fee=None, actor=None) -> Payout:
    """Reserve ``gross`` of the escrow ``scope`` for the payee (pending staff approval).
    The payee receives gross minus both fees."""
    scope = clean_scope(scope)
    gross = clean_amount(gross, currency, label=_("The payout"))
    platform = _fee(platform_fee, gross.currency, _("The platform fee"))
    processing = _fee(processing_fee, gross.currency, _("The processing fee"))
    if platform + processing >= gross:
        raise PaymentsValidationError(_("The fees must be less than the payout."),
                                      code="fees_too_large", data={"field": "platform_fee"})
    reason = payout_refusal(account)
    if reason:
        raise PayoutAccountNotReady(reason, data={"status": account.status})
    with transaction.atomic():
        escrow = account_lock(AccountKind.ESCROW, gross.currency, scope)
        held = account_balance(escrow)
        if gross > held:
            raise PayoutTooLarge(
                _("The payout (%(amount)s) is more than is held for %(scope)s (%(held)s).")
                % {"amount": gross, "scope": scope, "held": held},
                data={"field": "gross", "held": str(held.amount)})
        payout = Payout.objects.create(
            account=account, scope=scope, currency=gross.currency, gross=gross,
            platform_fee=platform, processing_fee=processing, requested_by=actor)
        audit_log(actor=actor, action=PaymentsAction.PAYOUT_REQUESTED, obj=payout,
                  data={"gross": str(gross.amount), "currency": gross.currency,
                        "scope": scope, "account": account.pk})
        post_payout(payout, EntryKind.PAYOUT_RESERVED, actor=actor)
    return payout


def payout_approve(*, actor, payout: Payout) -> Payout:
    """Staff approve (not the one who requested it); the transfer goes after commit."""
    require_perm(actor, PaymentsPerm.APPROVE_PAYOUT, payout,
                 message=_("Another staff member must approve this payout."))
    reason = payout_refusal(fresh(payout.account))
    if reason:
        raise PayoutAccountNotReady(reason)
    with transaction.atomic():
        transition(payout, PAYOUT_STATES, P.APPROVED, actor=actor,
                   changes={"approved_by": actor, "approved_at": timezone.now()})
        announce(payout_changed, payout_id=payout.pk, status=P.APPROVED)
        enqueue(SEND_TASK, payout.pk)
    return payout


def payout_send(*, payout: Payout) -> Payout:
    """Send an approved payout (outside any transaction; the payout's key) and record
    paid, or failed with the provider's reason (the money goes back to the escrow)."""
    payout = fresh(payout)
    if payout.status != P.APPROVED:
        return payout
    if payout.provider_transfer_id:
        return payout_sync(payout=payout)
    account = payout.account
    provider = get_provider("stripe")
    request = TransferRequest(
        idempotency_key=payout.key, account_id=account.provider_account_id, amount=payout.net,
        transfer_group=payout.scope,
        metadata={"payout": str(payout.uid), "scope": payout.scope})
    found = lost_answer(payout, answered=bool(payout.provider_transfer_id),
                        list_objects=provider.transfers_list, metadata_key="payout")
    if found is not None:
        return payout_record(payout=payout, result=found)
    count_provider_call(payout)
    try:
        result = provider_call(lambda: provider.transfer(request), what=f"payout {payout.pk}")
    except GatewayRejected as exc:
        return payout_record_failure(payout=payout, code=exc.code or "refused",
                                     message=str(exc))
    return payout_record(payout=payout, result=result)


def payout_sync(*, payout: Payout) -> Payout:
    payout = fresh(payout)
    if payout.status != P.APPROVED or not payout.provider_transfer_id:
        return payout
    provider = get_provider("stripe")
    result = provider_call(lambda: provider.transfer_retrieve(payout.provider_transfer_id),
                           what=f"payout {payout.pk} re-read")
    return payout_record(payout=payout, result=result)


def payout_record(*, payout: Payout, result: TransferResult, actor=None) -> Payout:
    with transaction.atomic():
        current = locked(payout)
        if current.status != P.APPROVED:
            return current
        if result.reversed:
            return _fail(current, "transfer_reversed", "", actor)
        transition(current, PAYOUT_STATES, P.PAID, actor=actor,
                   changes={"provider_transfer_id": result.transfer_id},
                   data={"transfer": result.transfer_id})
        post_payout(current, EntryKind.PAYOUT_PAID, actor=actor)
        announce(payout_changed, payout_id=current.pk, status=P.PAID)
    return current


def payout_record_failure(*, payout: Payout, code: str, message: str = "",
                          actor=None) -> Payout:
    with transaction.atomic():
        current = locked(payout)
        if current.status != P.APPROVED:
            return current
        return _fail(current, code, message, actor)


def _fail(current: Payout, code: str, message: str, actor) -> Payout:
    transition(current, PAYOUT_STATES, P.FAILED, actor=actor,
               changes={"failure_code": code[:60], "failure_message": message[:300]},
               data={"code": code})
    post_payout(current, EntryKind.PAYOUT_RELEASED, actor=actor)
    announce(payout_changed, payout_id=current.pk, status=P.FAILED)
    return current


def payout_cancel(*, actor, payout: Payout, reason: str = "") -> Payout:
    """Cancel a payout that was never sent; the money goes back to the escrow."""
    require_perm(actor, PaymentsPerm.REQUEST_PAYOUT, payout.account)
    reason = clean_reason(reason, required=False)
    with transaction.atomic():
        current = locked(payout)
        if current.provider_calls:
            raise PaymentsConflict(_("This payout was already sent to the provider."),
                                   code="payout_sent")
        transition(current, PAYOUT_STATES, P.CANCELED, actor=actor, data={"reason": reason})
        post_payout(current, EntryKind.PAYOUT_RELEASED, actor=actor)
        announce(payout_changed, payout_id=current.pk, status=P.CANCELED)
    payout.status = current.status
    return current
