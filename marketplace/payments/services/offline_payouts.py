"""Treasury payouts: paying a payee organisation by treasury transfer (国库集中支付).

The money the platform owes an organisation outside any card payment (a voucher
redemption's reimbursement to its service provider) sits in the organisation's
``payee_payable`` account, posted by the app that owes it. The programme's treasury pays
it outside the platform; someone the cause allows records the transfer (reference and
document: PDF, JPEG or PNG) for one cause (``vouchers.order:12``), for exactly what is
owed; someone else the cause allows confirms it with MFA. Approval is the moment the money
counts: the payout is paid and the ledger moves the amount from the payable to
``treasury_disbursed``. Rejection leaves the payable owed (a new payout may be recorded).
A cause has at most one open or paid payout (``offline_payout_once_per_cause``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.documents import document_check
from marketplace.core.audit import audit_log
from marketplace.core.db import unique_conflicts
from marketplace.core.permissions import require_perm
from marketplace.core.transitions import transition
from marketplace.core.validation import clean_reason
from marketplace.payments.errors import PaymentsConflict, PaymentsValidationError
from marketplace.payments.ledger.models import AccountKind
from marketplace.payments.ledger.posting import (
    account_balance,
    account_lock,
    organisation_payee_scope,
    post_offline_payout,
)
from marketplace.payments.models import OfflinePayout
from marketplace.payments.payout_causes import cause_resolve
from marketplace.payments.rules import PaymentsPerm
from marketplace.payments.states import OFFLINE_PAYOUT_STATES, PaymentsAction

OP = OfflinePayout.Status


def _clean_reference(reference: str) -> str:
    reference = (reference or "").strip()
    if not reference or len(reference) > 100 or "\x00" in reference:
        raise PaymentsValidationError(
            _("Give the treasury transfer's reference (at most 100 characters)."),
            code="transfer_reference", data={"field": "transfer_reference"})
    return reference


def offline_payout_record(*, actor, cause: str, transfer_reference: str,
                          document) -> OfflinePayout:
    """Record the treasury transfer that pays what ``cause`` owes its payee."""
    ref = cause_resolve(cause)
    require_perm(actor, PaymentsPerm.RECORD_OFFLINE_PAYOUT, ref,
                 message=_("You cannot record a treasury payout for this."))
    payee, amount = ref.cause.due(ref.record)
    reference = _clean_reference(transfer_reference)
    if document is None:
        raise PaymentsValidationError(_("Attach the transfer document."),
                                      code="document_required", data={"field": "document"})
    checked = document_check(document)
    taken = PaymentsConflict(_("This transfer reference has already been recorded."),
                             code="transfer_reference_taken",
                             data={"field": "transfer_reference"})
    twice = PaymentsConflict(_("A treasury payout is already recorded for this."),
                             code="payout_already_recorded", data={"field": "cause"})
    if OfflinePayout.objects.filter(transfer_reference=reference).exists():
        raise taken
    if OfflinePayout.objects.filter(cause=ref.label).exclude(status=OP.REJECTED).exists():
        raise twice
    stored = None
    try:
        with transaction.atomic():
            with unique_conflicts(OfflinePayout, {"offline_payout_reference_unique": taken,
                                                  "offline_payout_once_per_cause": twice}):
                payout = OfflinePayout(payee=payee, cause=ref.label, amount=amount,
                                       transfer_reference=reference, recorded_by=actor,
                                       document_type=checked.content_type,
                                       document_name=(checked.name or "")[-200:])
                payout.document.save(f"{payout.uid}{checked.extension}", document, save=False)
                stored = payout.document
                payout.save()
            audit_log(actor=actor, action=PaymentsAction.OFFLINE_PAYOUT_RECORDED, obj=payout,
                      data={"cause": ref.label, "payee": payee.pk, "reference": reference,
                            "amount": str(amount.amount), "currency": amount.currency})
    except BaseException:
        if stored is not None and stored.name:
            stored.storage.delete(stored.name)
        raise
    return payout


def offline_payout_approve(*, actor, payout: OfflinePayout) -> OfflinePayout:
    """Confirm the transfer (MFA, not the recorder): paid, and posted to the ledger. The
    payee's payable is locked and must hold the amount (never paid above what is owed)."""
    require_perm(actor, PaymentsPerm.APPROVE_OFFLINE_PAYOUT, payout,
                 message=_("Someone allowed to approve it, other than the person who "
                           "recorded it and with two-factor authentication, approves a "
                           "treasury payout."))
    with transaction.atomic():
        payable = account_lock(AccountKind.PAYEE_PAYABLE, payout.currency,
                               organisation_payee_scope(payout.payee_id))
        OFFLINE_PAYOUT_STATES.check(
            OfflinePayout.objects.values_list("status", flat=True).get(pk=payout.pk), OP.PAID)
        owed = account_balance(payable)
        if owed < payout.amount:
            raise PaymentsConflict(
                _("%(payee)s is owed %(owed)s; this payout is %(amount)s.")
                % {"payee": payout.payee.name, "owed": owed, "amount": payout.amount},
                code="payout_above_owed", data={"owed": str(owed.amount)})
        transition(payout, OFFLINE_PAYOUT_STATES, OP.PAID, actor=actor,
                   action=PaymentsAction.OFFLINE_PAYOUT_PAID,
                   changes={"decided_by": actor, "decided_at": timezone.now()},
                   data={"cause": payout.cause, "reference": payout.transfer_reference})
        post_offline_payout(payout, actor=actor)
    return payout


def offline_payout_reject(*, actor, payout: OfflinePayout, reason: str) -> OfflinePayout:
    require_perm(actor, PaymentsPerm.APPROVE_OFFLINE_PAYOUT, payout,
                 message=_("Someone allowed to approve it, other than the person who "
                           "recorded it and with two-factor authentication, decides a "
                           "treasury payout."))
    reason = clean_reason(reason, missing=_("Give the reason for the rejection."),
                          error=PaymentsValidationError)
    return transition(payout, OFFLINE_PAYOUT_STATES, OP.REJECTED, actor=actor,
                      action=PaymentsAction.OFFLINE_PAYOUT_REJECTED,
                      changes={"decided_by": actor, "decided_at": timezone.now(),
                               "decision_reason": reason},
                      data={"cause": payout.cause, "reason": reason})
