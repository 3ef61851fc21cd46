"""Payment of an accepted first purchase from its budget line, as an offline treasury
transfer through the payments core.

A buyer of the agency records the transfer (reference and document) for the contract
amount: the payments core creates the attempt (``requires_action``) and procurement links
it to the request and its budget line (``ContractPayment``), in one transaction. An
approver of the agency, with MFA and not the recorder (the payments core's four-eyes
rule), approves it: the attempt succeeds and the ledger posts it (Dr treasury, Cr the
request's escrow). Then the request is ``paid``: ``payment_settle`` runs right after the
approval through procurement and, for an approval made in the payments core directly,
after commit through ``attempt_changed`` (it is idempotent). A rejected transfer leaves
the request accepted; the buyer records a new one.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from marketplace.core.audit import audit_log
from marketplace.core.permissions import require_perm
from marketplace.core.signals import announce
from marketplace.core.transitions import transition
from marketplace.payments.models import OfflineTransfer, PaymentAttempt
from marketplace.payments.services.offline import (
    offline_transfer_approve,
    offline_transfer_record,
)
from procurement.errors import PaymentPending
from procurement.models import ContractPayment, PurchaseRequest
from procurement.rules import ProcurementPerm
from procurement.services.ocds import release_record
from procurement.signals import request_listing_changed
from procurement.states import REQUEST_STATES, ProcurementAction

R = PurchaseRequest.Status
A = PaymentAttempt.Status
SCOPE_PREFIX = "procurement.purchaserequest:"


def payment_scope(request: PurchaseRequest) -> str:
    """What the ledger holds the money for (the request's escrow)."""
    return f"{SCOPE_PREFIX}{request.pk}"


def payment_record(*, actor, request: PurchaseRequest, transfer_reference: str,
                   document) -> ContractPayment:
    """Record the treasury transfer paying the contract amount of an accepted request."""
    require_perm(actor, ProcurementPerm.RECORD_PAYMENT, request)
    with transaction.atomic():
        fresh = (PurchaseRequest.objects.select_for_update()
                 .select_related("budget_line", "agency").get(pk=request.pk))
        REQUEST_STATES.check(fresh.status, R.PAID)  # accepted, not paid yet
        if (ContractPayment.objects.filter(request=fresh)
                .exclude(transfer__attempt__status=A.FAILED).exists()):
            raise PaymentPending()
        transfer = offline_transfer_record(
            actor=actor, agency=fresh.agency, amount=str(fresh.agreed_amount),
            currency=fresh.currency, scope=payment_scope(fresh),
            transfer_reference=transfer_reference, document=document,
            reference=f"procurement.request:{fresh.pk}",
            description=f"{fresh.budget_line.code} {fresh.title}",
        )
        payment = ContractPayment.objects.create(
            request=fresh, budget_line=fresh.budget_line, transfer=transfer,
            amount_value=fresh.agreed_amount, currency=fresh.currency, recorded_by=actor)
        audit_log(actor=actor, action=ProcurementAction.PAYMENT_RECORDED, obj=payment,
                  data={"request": fresh.pk, "budget_line": fresh.budget_line_id,
                        "attempt": transfer.attempt_id, "amount": str(fresh.agreed_amount),
                        "currency": fresh.currency})
    return payment


def payment_approve(*, actor, payment: ContractPayment) -> ContractPayment:
    """The agency's approver confirms the transfer (the payments core's rules: approver,
    MFA, not the recorder); the request is paid."""
    offline_transfer_approve(actor=actor, transfer=payment.transfer)
    payment_settle(attempt_id=payment.transfer.attempt_id)
    payment.refresh_from_db()
    return payment


def payment_settle(*, attempt_id: int) -> bool:
    """Mark the request of a succeeded procurement payment paid (idempotent). Returns
    whether it moved now."""
    with transaction.atomic():
        payment = (ContractPayment.objects.select_related("transfer__attempt")
                   .filter(transfer__attempt_id=attempt_id).first())
        if payment is None:
            return False
        attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt_id)
        request = PurchaseRequest.objects.select_for_update().get(pk=payment.request_id)
        if attempt.status != A.SUCCEEDED or request.status != R.ACCEPTED:
            return False
        approver = OfflineTransfer.objects.get(pk=payment.transfer_id).decided_by
        transition(request, REQUEST_STATES, R.PAID, actor=approver,
                   action=ProcurementAction.REQUEST_PAID, changes={"paid_at": timezone.now()},
                   data={"attempt": attempt_id, "amount": str(payment.amount_value),
                         "budget_line": payment.budget_line_id})
        release_record(request=request, tag="implementation", contract=request.contract,
                       payment=payment)
        announce(request_listing_changed, request_id=request.pk)
    return True
