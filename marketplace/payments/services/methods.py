"""Payers at the provider and their saved cards.

Saving a card follows the two-transaction rule: the card row is created ``pending`` with
its idempotency key, the SetupIntent is created and confirmed outside any transaction,
and the result is recorded through ``METHOD_STATES``: ``active`` (brand, last four,
expiry), still ``pending`` with what the page needs for 3-D Secure, or ``failed`` (the
payer-visible error is raised after the failure is recorded).
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.audit import audit_log
from marketplace.core.db import unique_conflicts
from marketplace.core.permissions import require_perm
from marketplace.core.tasks import enqueue
from marketplace.core.transitions import transition
from marketplace.payments.errors import PaymentsValidationError
from marketplace.payments.models import PaymentCustomer, SavedPaymentMethod
from marketplace.payments.providers import get_provider
from marketplace.payments.providers.base import CustomerRequest, SetupRequest, SetupResult
from marketplace.payments.providers.stripe import payer_error
from marketplace.payments.rules import PaymentsPerm
from marketplace.payments.services.common import fresh, locked
from marketplace.payments.services.gateway import provider_call
from marketplace.payments.states import METHOD_STATES, PaymentsAction

M = SavedPaymentMethod.Status
DETACH_TASK = "marketplace.payments.tasks.payment_method_detach"
_PM_TOKEN = re.compile(r"^pm_[A-Za-z0-9_]{2,96}$")


def customer_ensure(*, user) -> PaymentCustomer:
    """The user's customer at the provider, created once (a retry reuses the key)."""
    customer = PaymentCustomer.objects.filter(user=user).first()
    if customer is None:
        with unique_conflicts(PaymentCustomer, {"user": _("Already created.")}):
            customer = PaymentCustomer.objects.create(user=user)
    if customer.provider_customer_id:
        return customer
    provider = get_provider("stripe")
    request = CustomerRequest(idempotency_key=customer.key, email=user.email,
                              name=getattr(user, "display_name", "") or "",
                              metadata={"user": str(user.pk), "customer": str(customer.uid)})
    customer_id = provider_call(lambda: provider.customer_ensure(request),
                                what=f"customer for user {user.pk}")
    with transaction.atomic():
        customer = locked(customer)
        if not customer.provider_customer_id:
            customer.provider_customer_id = customer_id
            customer.save(update_fields=["provider_customer_id"])
            audit_log(actor=user, action=PaymentsAction.CUSTOMER_CREATED, obj=customer,
                      data={"provider_customer_id": customer_id})
    return customer


def clean_payment_method_token(token: str) -> str:
    token = (token or "").strip()
    if not _PM_TOKEN.match(token):
        raise PaymentsValidationError(
            _("Choose a card: a payment method id such as pm_card_visa."),
            code="invalid_payment_method", data={"field": "payment_method"},
        )
    return token


def payment_method_save(*, user, payment_method: str, off_session_consent: bool,
                        return_url: str = "") -> SavedPaymentMethod:
    """Save a card for ``user``. Returns the card (``active``, or ``pending`` with
    ``next_action_url`` for 3-D Secure); a declined card is recorded as ``failed`` and
    its ``PaymentError`` raised."""
    require_perm(user, PaymentsPerm.ADD_PAYMENT_METHOD, None)
    token = clean_payment_method_token(payment_method)
    customer = customer_ensure(user=user)
    with transaction.atomic():
        method = SavedPaymentMethod.objects.create(
            owner=user, off_session_consent=bool(off_session_consent),
            consented_at=timezone.now() if off_session_consent else None,
        )
        audit_log(actor=user, action=PaymentsAction.METHOD_SETUP_STARTED, obj=method,
                  data={"off_session_consent": method.off_session_consent})
    provider = get_provider("stripe")
    request = SetupRequest(idempotency_key=method.key,
                           customer_id=customer.provider_customer_id, payment_method=token,
                           return_url=return_url,
                           metadata={"payment_method": str(method.uid), "user": str(user.pk)})
    result = provider_call(lambda: provider.payment_method_save(request),
                           what=f"card setup {method.pk}")
    method = payment_method_record(method=method, result=result, actor=user)
    if method.status == M.FAILED and result.error is not None:
        raise result.error
    return method


def payment_method_record(*, method: SavedPaymentMethod, result: SetupResult,
                          actor=None) -> SavedPaymentMethod:
    """Record what the provider says of a card's setup (our call's answer or a re-read
    after a webhook); a result that is already recorded changes nothing."""
    card = result.card
    with transaction.atomic():
        current = locked(method)
        ids = {"provider_setup_intent_id": result.setup_intent_id or current.provider_setup_intent_id,
               "provider_payment_method_id": result.payment_method_id
               or current.provider_payment_method_id}
        if current.status != M.PENDING:
            return current
        if result.status == "succeeded":
            transition(current, METHOD_STATES, M.ACTIVE, actor=actor, changes={
                **ids, "brand": card.brand if card else "", "last4": card.last4 if card else "",
                "exp_month": card.exp_month if card else None,
                "exp_year": card.exp_year if card else None,
                "client_secret": "", "next_action_url": "",
            })
        elif result.status == "failed":
            code = result.error.decline_code or result.error.code if result.error else ""
            transition(current, METHOD_STATES, M.FAILED, actor=actor,
                       changes={**ids, "failure_code": code[:60]}, data={"code": code})
        else:
            for name, value in {**ids, "client_secret": result.client_secret,
                                "next_action_url": result.next_action_url}.items():
                setattr(current, name, value)
            current.save(update_fields=[*ids, "client_secret", "next_action_url", "updated_at"])
    return current


def payment_method_sync(*, method: SavedPaymentMethod) -> SavedPaymentMethod:
    """Re-read a pending card's SetupIntent (after 3-D Secure, or a webhook's hint)."""
    method = fresh(method)
    if method.status != M.PENDING or not method.provider_setup_intent_id:
        return method
    provider = get_provider("stripe")
    result = provider_call(lambda: provider.setup_retrieve(method.provider_setup_intent_id),
                           what=f"card setup {method.pk} re-read")
    return payment_method_record(method=method, result=result)


def payment_method_remove(*, actor, method: SavedPaymentMethod) -> SavedPaymentMethod:
    """The owner removes a card: it can no longer be charged; the provider detaches it
    after commit."""
    require_perm(actor, PaymentsPerm.REMOVE_PAYMENT_METHOD, method)
    with transaction.atomic():
        transition(method, METHOD_STATES, M.REMOVED, actor=actor,
                   changes={"off_session_consent": False, "client_secret": ""})
        if method.provider_payment_method_id:
            enqueue(DETACH_TASK, method.pk)
    return method


def payment_method_detach(*, method_id: int) -> bool:
    """Detach a removed card at the provider (a task, after commit)."""
    method = SavedPaymentMethod.objects.filter(pk=method_id, status=M.REMOVED).first()
    if method is None or not method.provider_payment_method_id:
        return False
    provider = get_provider("stripe")
    provider_call(lambda: provider.payment_method_detach(method.provider_payment_method_id),
                  what=f"card {method.pk} detach")
    return True


def payer_error_of(code: str, decline_code: str = ""):
    """The translated payer-visible error of a recorded failure."""
    return payer_error(code, decline_code)
