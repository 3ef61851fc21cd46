"""Payment attempts: create, confirm (charge), record the provider's answer, re-read,
capture, cancel.

The pillars (crowdfunding, procurement) decide *who* may pay *what*; these functions
check the money and the card, not the caller's permission.

The two-transaction rule, for every charge::

    attempt = attempt_create(...)      # short transaction: the row and its key
    attempt_confirm(attempt=attempt)   # provider call outside any transaction, retried
                                       # with the same key; then a short transaction
                                       # records the answer through ATTEMPT_STATES

A webhook may report the outcome before our own call returns; whichever records first
wins and the other changes nothing (``attempt_record`` is idempotent under the row lock),
and the charge is posted to the ledger exactly once.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.audit import audit_log
from marketplace.core.signals import announce
from marketplace.core.transitions import transition
from marketplace.payments.errors import PaymentsConflict, PaymentsValidationError
from marketplace.payments.ledger.posting import post_charge
from marketplace.payments.models import (
    PaymentAttempt,
    PaymentCustomer,
    Provider,
    SavedPaymentMethod,
)
from marketplace.payments.providers import get_provider
from marketplace.payments.providers.base import ChargeRequest, PaymentResult
from marketplace.payments.services.common import (
    clean_amount,
    clean_scope,
    count_provider_call,
    fresh,
    locked,
)
from marketplace.payments.services.gateway import provider_call
from marketplace.payments.services.methods import clean_payment_method_token, payer_error_of
from marketplace.payments.services.recovery import lost_answer
from marketplace.payments.signals import attempt_changed
from marketplace.payments.states import ATTEMPT_STATES, PaymentsAction

logger = logging.getLogger(__name__)
A = PaymentAttempt.Status


def attempt_create(*, payer, amount, currency: str | None = None, scope: str,
                   reference: str = "", description: str = "",
                   payment_method: SavedPaymentMethod | None = None,
                   provider_payment_method: str = "", off_session: bool = False,
                   capture: bool = True, return_url: str = "", actor=None) -> PaymentAttempt:
    """Record a card payment to make (status ``created``), nothing sent yet.

    ``amount`` is ``Money`` or typed input with ``currency``; ``scope`` is the escrow the
    money is held in. Pay with a saved card (``payment_method``, required off-session:
    active, the payer's own, with consent) or a payment method id the page collected
    (``provider_payment_method``: Stripe Elements, or a test card such as pm_card_visa).
    """
    money = clean_amount(amount, currency)
    scope = clean_scope(scope)
    if payment_method is not None:
        if payment_method.owner_id != getattr(payer, "pk", None):
            raise PaymentsValidationError(_("This card belongs to someone else."),
                                          code="not_your_card",
                                          data={"field": "payment_method"})
        if payment_method.status != SavedPaymentMethod.Status.ACTIVE:
            raise PaymentsConflict(_("This card is not ready to be charged."),
                                   code="card_not_active")
        if off_session and not payment_method.off_session_consent:
            raise PaymentsConflict(
                _("The card owner has not agreed to be charged while away."),
                code="no_off_session_consent")
        provider_payment_method = payment_method.provider_payment_method_id
    elif off_session:
        raise PaymentsValidationError(_("A payment without the payer needs a saved card."),
                                      code="saved_card_required",
                                      data={"field": "payment_method"})
    else:
        provider_payment_method = clean_payment_method_token(provider_payment_method)
    with transaction.atomic():
        attempt = PaymentAttempt.objects.create(
            provider=Provider.STRIPE, payer=payer, scope=scope, reference=reference[:100],
            description=description[:200], amount=money, payment_method=payment_method,
            provider_payment_method_id=provider_payment_method,
            session=(PaymentAttempt.Session.OFF_SESSION if off_session
                     else PaymentAttempt.Session.ON_SESSION),
            capture_manually=not capture, return_url=return_url, created_by=actor or payer,
        )
        audit_log(actor=actor or payer, action=PaymentsAction.ATTEMPT_CREATED, obj=attempt,
                  data={"amount": str(money.amount), "currency": money.currency,
                        "scope": scope, "reference": attempt.reference,
                        "session": attempt.session})
    return attempt


def _charge_request(attempt: PaymentAttempt) -> ChargeRequest:
    customer_id = ""
    if attempt.payment_method_id:
        customer_id = (PaymentCustomer.objects.filter(user_id=attempt.payer_id)
                       .values_list("provider_customer_id", flat=True).first() or "")
    return ChargeRequest(
        idempotency_key=attempt.key, amount=attempt.amount,
        payment_method=attempt.provider_payment_method_id, customer_id=customer_id,
        off_session=attempt.session == PaymentAttempt.Session.OFF_SESSION,
        capture=not attempt.capture_manually, return_url=attempt.return_url,
        description=attempt.description,
        metadata={"attempt": str(attempt.uid), "scope": attempt.scope,
                  "reference": attempt.reference},
    )


def attempt_confirm(*, attempt: PaymentAttempt) -> PaymentAttempt:
    """Send the charge (outside any transaction; retried with the attempt's key) and
    record the answer. An attempt that was sent before and has an answer is re-read
    instead; a finished one is returned as it is. Returns the attempt as recorded: a
    decline is ``failed`` with its codes (``attempt_payer_error`` gives the message)."""
    attempt = fresh(attempt)
    if attempt.provider == Provider.OFFLINE or attempt.is_terminal:
        return attempt
    if attempt.provider_payment_id:
        return attempt_sync(attempt=attempt)
    provider = get_provider("stripe")
    found = lost_answer(attempt, answered=bool(attempt.provider_payment_id),
                        list_objects=provider.payments_list, metadata_key="attempt")
    if found is not None:
        return attempt_record(attempt=attempt, result=found)
    request = _charge_request(attempt)
    count_provider_call(attempt)
    result = provider_call(lambda: provider.charge(request), what=f"attempt {attempt.pk}")
    return attempt_record(attempt=attempt, result=result)


def attempt_sync(*, attempt: PaymentAttempt, payment_id: str = "") -> PaymentAttempt:
    """Re-read the attempt's payment at the provider and record what it says (a webhook's
    hint, a return from 3-D Secure, the chronograph's resume)."""
    attempt = fresh(attempt)
    payment_id = attempt.provider_payment_id or payment_id
    if attempt.provider == Provider.OFFLINE or not payment_id:
        return attempt
    provider = get_provider("stripe")
    result = provider_call(lambda: provider.payment_retrieve(payment_id),
                           what=f"attempt {attempt.pk} re-read")
    if result.metadata.get("attempt") not in (None, str(attempt.uid)):
        logger.warning("payments: %s belongs to another attempt, not %s", payment_id, attempt.pk)
        return attempt
    return attempt_record(attempt=attempt, result=result)


def _changes(current: PaymentAttempt, result: PaymentResult) -> dict:
    changes = {
        "provider_payment_id": result.payment_id or current.provider_payment_id,
        "provider_charge_id": result.charge_id or current.provider_charge_id,
        "authorised": result.authorised,
        "client_secret": result.client_secret if result.status == A.REQUIRES_ACTION else "",
        "next_action_url": result.next_action_url if result.status == A.REQUIRES_ACTION else "",
    }
    if result.error is not None:
        changes["failure_code"] = (result.error.code or "")[:60]
        changes["decline_code"] = (result.error.decline_code or "")[:60]
    if result.status == A.SUCCEEDED:
        changes["succeeded_at"] = timezone.now()
    return changes


def attempt_record(*, attempt: PaymentAttempt, result: PaymentResult,
                   actor=None) -> PaymentAttempt:
    """Record the provider's view of the attempt, in one short transaction. Idempotent:
    a state already reached, or a stale answer (requires_action after succeeded), changes
    nothing. Reaching ``succeeded`` posts the charge to the ledger."""
    if result.amount != attempt.amount and result.payment_id:
        logger.error("payments: attempt %s: provider amount %s differs from ours %s",
                     attempt.pk, result.amount, attempt.amount)
        return fresh(attempt)
    with transaction.atomic():
        current = locked(attempt)
        target = result.status
        changes = _changes(current, result)
        if target == current.status or target == A.CREATED or not ATTEMPT_STATES.can(
                current.status, target):
            if current.is_terminal and target != current.status and target != A.CREATED:
                logger.warning("payments: attempt %s is %s, provider says %s", current.pk,
                               current.status, target)
            ids = ["provider_payment_id", "provider_charge_id"]
            if any(getattr(current, f) != changes[f] for f in ids):
                for name in ids:
                    setattr(current, name, changes[name])
                current.save(update_fields=[*ids, "updated_at"])
            return current
        transition(current, ATTEMPT_STATES, target, actor=actor, changes=changes,
                   data={"payment": changes["provider_payment_id"],
                         "code": changes.get("decline_code") or changes.get("failure_code", "")})
        if target == A.SUCCEEDED:
            post_charge(current, actor=actor)
        announce(attempt_changed, attempt_id=current.pk, status=target)
    return current


def attempt_capture(*, attempt: PaymentAttempt, actor=None) -> PaymentAttempt:
    """Capture an authorised attempt (manual capture), in full."""
    attempt = fresh(attempt)
    if attempt.status != A.PROCESSING or not attempt.authorised:
        raise PaymentsConflict(_("Only an authorised payment can be captured."),
                               code="not_authorised")
    provider = get_provider("stripe")
    count_provider_call(attempt)
    result = provider_call(
        lambda: provider.capture(attempt.provider_payment_id, amount=None,
                                 idempotency_key=f"{attempt.key}-capture"),
        what=f"attempt {attempt.pk} capture")
    return attempt_record(attempt=attempt, result=result, actor=actor)


def attempt_cancel(*, attempt: PaymentAttempt, actor=None) -> PaymentAttempt:
    """Cancel an attempt that has not succeeded (releases an authorisation)."""
    attempt = fresh(attempt)
    ATTEMPT_STATES.check(attempt.status, A.CANCELED)
    if attempt.provider_payment_id and attempt.provider == Provider.STRIPE:
        provider = get_provider("stripe")
        result = provider_call(
            lambda: provider.cancel(attempt.provider_payment_id,
                                    idempotency_key=f"{attempt.key}-cancel"),
            what=f"attempt {attempt.pk} cancel")
        return attempt_record(attempt=attempt, result=result, actor=actor)
    with transaction.atomic():
        transition(attempt, ATTEMPT_STATES, A.CANCELED, actor=actor)
        announce(attempt_changed, attempt_id=attempt.pk, status=A.CANCELED)
    return attempt


def attempt_payer_error(attempt: PaymentAttempt):
    """The translated error a payer reads for a failed attempt (None otherwise)."""
    if attempt.status != A.FAILED or not (attempt.failure_code or attempt.decline_code):
        return None
    return payer_error_of(attempt.failure_code, attempt.decline_code)
