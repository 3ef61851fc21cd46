"""Offline treasury transfers (government money, no card).

A buyer of the paying agency records the transfer the treasury made (its reference and a
document: PDF, JPEG or PNG). The attempt waits (``requires_action``) until an *approver*
of the same agency confirms it with MFA, and the approver is never the person who
recorded it. Approval is the moment the money counts: the attempt succeeds and the ledger
posts it to the treasury account and the escrow. Rejection fails the attempt.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.documents import document_check
from marketplace.accounts.selectors import user_has_mfa
from marketplace.core.audit import audit_log
from marketplace.core.db import unique_conflicts
from marketplace.core.errors import PermissionDeniedError
from marketplace.core.permissions import require_perm
from marketplace.core.signals import announce
from marketplace.core.transitions import transition
from marketplace.core.validation import clean_reason
from marketplace.payments.errors import PaymentsConflict, PaymentsValidationError
from marketplace.payments.ledger.posting import post_charge
from marketplace.payments.models import OfflineTransfer, PaymentAttempt, Provider
from marketplace.payments.rules import PaymentsPerm, is_agency_approver
from marketplace.payments.services.common import clean_amount, clean_scope, locked
from marketplace.payments.signals import attempt_changed
from marketplace.payments.states import ATTEMPT_STATES, PaymentsAction

A = PaymentAttempt.Status


def offline_transfer_record(*, actor, agency, amount, currency: str | None = None,
                            scope: str, transfer_reference: str, document, reference: str = "",
                            description: str = "") -> OfflineTransfer:
    require_perm(actor, PaymentsPerm.RECORD_OFFLINE_TRANSFER, agency,
                 message=_("Only a buyer of a verified government agency can record its "
                           "treasury transfers."))
    money = clean_amount(amount, currency)
    scope = clean_scope(scope)
    transfer_reference = (transfer_reference or "").strip()
    if not transfer_reference or len(transfer_reference) > 100 or "\x00" in transfer_reference:
        raise PaymentsValidationError(
            _("Give the treasury transfer's reference (at most 100 characters)."),
            code="transfer_reference", data={"field": "transfer_reference"})
    if document is None:
        raise PaymentsValidationError(_("Attach the transfer document."),
                                      code="document_required", data={"field": "document"})
    checked = document_check(document)
    taken = PaymentsConflict(_("This transfer reference has already been recorded."),
                             code="transfer_reference_taken",
                             data={"field": "transfer_reference"})
    if OfflineTransfer.objects.filter(transfer_reference=transfer_reference).exists():
        raise taken
    stored = None
    try:
        with transaction.atomic():
            attempt = PaymentAttempt.objects.create(
                provider=Provider.OFFLINE, payer_organisation=agency, scope=scope,
                reference=reference[:100], description=description[:200], amount=money,
                created_by=actor, provider_payment_id="")
            with unique_conflicts(OfflineTransfer,
                                  {"offline_transfer_reference_unique": taken}):
                transfer = OfflineTransfer(attempt=attempt, transfer_reference=transfer_reference,
                                           recorded_by=actor, document_type=checked.content_type,
                                           document_name=(checked.name or "")[-200:])
                transfer.document.save(f"{attempt.uid}{checked.extension}", document, save=False)
                stored = transfer.document
                transfer.save()
            audit_log(actor=actor, action=PaymentsAction.OFFLINE_RECORDED, obj=attempt,
                      data={"agency": agency.pk, "reference": transfer_reference,
                            "amount": str(money.amount), "currency": money.currency})
            transition(attempt, ATTEMPT_STATES, A.REQUIRES_ACTION, actor=actor,
                       changes={"provider_payment_id": f"treasury-{attempt.uid}"})
    except BaseException:
        if stored is not None and stored.name:
            stored.storage.delete(stored.name)
        raise
    return transfer


def _approval_refusal(actor, transfer: OfflineTransfer) -> str | None:
    agency = transfer.attempt.payer_organisation
    if not is_agency_approver(actor, agency):
        return _("Only an approver of %(agency)s can confirm its treasury transfers.") % {
            "agency": agency.name}
    if transfer.recorded_by_id == actor.pk:
        return _("The person who recorded a transfer cannot also approve it.")
    if not user_has_mfa(actor):
        return _("Set up two-factor authentication before approving payments.")
    return None


def offline_transfer_approve(*, actor, transfer: OfflineTransfer) -> OfflineTransfer:
    refusal = _approval_refusal(actor, transfer) if actor is not None else _("Sign in.")
    if refusal:
        raise PermissionDeniedError(refusal)
    require_perm(actor, PaymentsPerm.APPROVE_OFFLINE_TRANSFER, transfer)
    with transaction.atomic():
        attempt = locked(transfer.attempt)
        transition(attempt, ATTEMPT_STATES, A.SUCCEEDED, actor=actor,
                   action=PaymentsAction.OFFLINE_APPROVED,
                   changes={"succeeded_at": timezone.now()},
                   data={"reference": transfer.transfer_reference})
        OfflineTransfer.objects.filter(pk=transfer.pk).update(decided_by=actor,
                                                              decided_at=timezone.now())
        post_charge(attempt, actor=actor)
        announce(attempt_changed, attempt_id=attempt.pk, status=A.SUCCEEDED)
    transfer.refresh_from_db()
    return transfer


def offline_transfer_reject(*, actor, transfer: OfflineTransfer, reason: str) -> OfflineTransfer:
    refusal = _approval_refusal(actor, transfer) if actor is not None else _("Sign in.")
    if refusal:
        raise PermissionDeniedError(refusal)
    reason = clean_reason(reason, missing=_("Give the reason for the rejection."),
                          error=PaymentsValidationError)
    with transaction.atomic():
        attempt = locked(transfer.attempt)
        transition(attempt, ATTEMPT_STATES, A.FAILED, actor=actor,
                   action=PaymentsAction.OFFLINE_REJECTED,
                   changes={"failure_code": "rejected_by_approver"}, data={"reason": reason})
        OfflineTransfer.objects.filter(pk=transfer.pk).update(
            decided_by=actor, decided_at=timezone.now(), decision_reason=reason)
        announce(attempt_changed, attempt_id=attempt.pk, status=A.FAILED)
    transfer.refresh_from_db()
    return transfer
