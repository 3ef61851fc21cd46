"""Reimbursing a service provider for an approved redemption: a treasury payout.

Approving a redemption (``orders.redemption_approve``) posts the voucher part as owed to
the provider. The programme's treasury then pays it; the payments core's treasury payout
(``marketplace.payments.services.offline_payouts``) records that transfer for the cause
``vouchers.order:<id>``, for exactly the voucher part, and someone else confirms it with
MFA, which settles the provider's payable in the ledger. Who: the issuing makerspace's
people (its operator's owners and members) or the programme office (staff), recording and
approving alike, never the same person for both. An order is reimbursed at most once.
"""

from __future__ import annotations

from django.db import transaction

from marketplace.core.errors import NotFoundError
from marketplace.core.tasks import enqueue
from marketplace.payments.models import OfflinePayout
from marketplace.payments.payout_causes import PayoutCause, register_payout_cause
from marketplace.payments.services.offline_payouts import (
    offline_payout_approve,
    offline_payout_record,
    offline_payout_reject,
)
from vouchers.errors import NotRedeemed
from vouchers.ledger import ORDER_SOURCE, order_cause
from vouchers.models import VoucherOrder
from vouchers.rules import operates
from vouchers.selectors import reimbursement_of
from vouchers.services.notify import NOTIFY_PROVIDER_PAID_TASK

__all__ = ["reimbursement_approve", "reimbursement_of", "reimbursement_record",
           "reimbursement_reject", "register"]


def _get(pk: int) -> VoucherOrder:
    return VoucherOrder.objects.select_related("voucher__makerspace", "provider").get(pk=pk)


def _due(order: VoucherOrder):
    if order.status != VoucherOrder.Status.REDEEMED:
        raise NotRedeemed(data={"order": order.pk})
    return order.provider, order.voucher_part


def _programme_side(user, order: VoucherOrder) -> bool:
    """The programme office (staff) or the issuing makerspace's people."""
    return bool(user.is_staff or operates(user, order.voucher.makerspace))


ORDER_REIMBURSEMENT = PayoutCause(kind=ORDER_SOURCE, get=_get, due=_due,
                                  may_record=_programme_side, may_approve=_programme_side)


def register() -> None:
    register_payout_cause(ORDER_REIMBURSEMENT)


def reimbursement_record(*, actor, order: VoucherOrder, transfer_reference: str,
                         document) -> OfflinePayout:
    return offline_payout_record(actor=actor, cause=order_cause(order),
                                 transfer_reference=transfer_reference, document=document)


def _ours(payout: OfflinePayout) -> OfflinePayout:
    """Only the payouts of orders: another app's payout is not found here."""
    if not payout.cause.startswith(f"{ORDER_SOURCE}:"):
        raise NotFoundError()
    return payout


def reimbursement_approve(*, actor, payout: OfflinePayout) -> OfflinePayout:
    """Approve the payout (the core's rules); the provider's people hear of it after
    commit."""
    _ours(payout)
    with transaction.atomic():
        offline_payout_approve(actor=actor, payout=payout)
        enqueue(NOTIFY_PROVIDER_PAID_TASK, payout.pk)
    return payout


def reimbursement_reject(*, actor, payout: OfflinePayout, reason: str) -> OfflinePayout:
    return offline_payout_reject(actor=actor, payout=_ours(payout), reason=reason)

