"""Charging through the real SDK against the fake Stripe server (a separate process):
on- and off-session, declines as payer-visible errors, faults retried with the same key,
"work done, connection dropped" charged exactly once, 3-D Secure, capture and cancel, and
the two-transaction rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import translation

from marketplace.core.money import Money
from marketplace.payments import errors
from marketplace.payments.ledger.check import ledger_problems
from marketplace.payments.ledger.posting import held_in_escrow
from marketplace.payments.models import PaymentAttempt
from marketplace.payments.providers.base import ProviderCalledInTransaction
from marketplace.payments.services import gateway
from marketplace.payments.services.attempts import (
    attempt_cancel,
    attempt_capture,
    attempt_confirm,
    attempt_create,
    attempt_payer_error,
    attempt_sync,
)
from marketplace.payments.services.methods import payment_method_save
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
A = PaymentAttempt.Status
SCOPE = "crowdfunding.campaign:7"


def _pay(payer, card="pm_card_visa", amount="88.00", **kwargs):
    attempt = attempt_create(payer=payer, amount=amount, currency="CNY", scope=SCOPE,
                             reference="crowdfunding.pledge:1", provider_payment_method=card,
                             **kwargs)
    return attempt_confirm(attempt=attempt)


def _saved_card(payer, card="pm_card_visa"):
    return payment_method_save(user=payer, payment_method=card, off_session_consent=True)


def test_on_session_charge_succeeds_and_is_posted(payments_stripe):
    attempt = _pay(UserFactory())
    assert attempt.status == A.SUCCEEDED
    assert attempt.provider_payment_id.startswith("pi_")
    assert held_in_escrow(SCOPE, "CNY") == Money(Decimal("88.00"), "CNY")
    ledger = payments_stripe.control.ledger(metadata={"attempt": str(attempt.uid)})
    assert ledger["count"] == 1
    assert ledger_problems() == []


def test_off_session_charge_of_a_saved_card(payments_stripe):
    payer = UserFactory()
    card = _saved_card(payer)
    assert card.status == card.Status.ACTIVE and card.last4 == "4242" and card.brand == "visa"
    attempt = attempt_create(payer=payer, amount=Money(Decimal("12.50"), "CNY"), scope=SCOPE,
                             payment_method=card, off_session=True)
    attempt = attempt_confirm(attempt=attempt)
    assert attempt.status == A.SUCCEEDED
    charge = payments_stripe.control.ledger(metadata={"attempt": str(attempt.uid)})["charges"][0]
    assert charge["payment_method"] == card.provider_payment_method_id
    assert ledger_problems() == []


@pytest.mark.parametrize(("card", "error", "decline_code"), [
    ("pm_card_chargeDeclined", errors.CardDeclined, "generic_decline"),
    ("pm_card_chargeDeclinedInsufficientFunds", errors.InsufficientFunds, "insufficient_funds"),
    ("pm_card_chargeDeclinedExpiredCard", errors.ExpiredCard, "expired_card"),
])
def test_a_decline_becomes_the_payer_visible_error_with_its_decline_code(
        payments_stripe, card, error, decline_code):
    attempt = _pay(UserFactory(), card=card)
    assert attempt.status == A.FAILED
    assert attempt.decline_code == decline_code
    shown = attempt_payer_error(attempt)
    assert type(shown) is error and shown.status_code == 402
    assert shown.data["decline_code"] == decline_code
    assert "Stripe" not in str(shown.message)
    assert held_in_escrow(SCOPE, "CNY").is_zero()
    assert ledger_problems() == []


def test_off_session_authentication_required_is_a_payer_error(payments_stripe):
    payer = UserFactory()
    card = _saved_card(payer, "pm_card_authenticationRequired")
    assert card.status == card.Status.PENDING and card.next_action_url  # 3-D Secure first
    payments_stripe.control.complete_3ds(card.provider_setup_intent_id)
    from marketplace.payments.services.methods import payment_method_sync

    card = payment_method_sync(method=card)
    assert card.status == card.Status.ACTIVE
    attempt = attempt_confirm(attempt=attempt_create(
        payer=payer, amount="5.00", currency="CNY", scope=SCOPE, payment_method=card,
        off_session=True))
    assert attempt.status == A.FAILED
    assert isinstance(attempt_payer_error(attempt), errors.AuthenticationRequired)


def test_on_session_3ds_then_the_page_returns_and_the_attempt_is_re_read(payments_stripe):
    attempt = _pay(UserFactory(), card="pm_card_authenticationRequired",
                   return_url="http://127.0.0.1:8000/back")
    assert attempt.status == A.REQUIRES_ACTION
    assert "/fake/3ds/" in attempt.next_action_url
    payments_stripe.control.complete_3ds(attempt.provider_payment_id)
    attempt = attempt_sync(attempt=attempt)
    assert attempt.status == A.SUCCEEDED and attempt.next_action_url == ""
    assert ledger_problems() == []


def test_work_done_then_connection_dropped_then_retry_charges_exactly_once(payments_stripe):
    payments_stripe.control.inject("drop", path_prefix="/v1/payment_intents")
    attempt = _pay(UserFactory())
    assert attempt.status == A.SUCCEEDED
    assert attempt.provider_calls == 1  # one logical call; its retry reused the key
    ledger = payments_stripe.control.ledger(metadata={"attempt": str(attempt.uid)})
    assert ledger["count"] == 1
    assert ledger_problems() == []


@pytest.mark.parametrize("fault", ["rate_limit", "api_error"])
def test_429_and_500_are_retried_with_backoff_and_succeed(payments_stripe, monkeypatch, fault):
    waits = []
    monkeypatch.setattr(gateway, "sleep", waits.append)
    payments_stripe.control.inject(fault, count=2, path_prefix="/v1/payment_intents")
    attempt = _pay(UserFactory())
    assert attempt.status == A.SUCCEEDED
    assert len(waits) == 2 and waits[1] > waits[0] * 1.2  # exponential, with jitter
    assert payments_stripe.control.ledger(metadata={"attempt": str(attempt.uid)})["count"] == 1


def test_faults_that_outlast_the_retries_leave_the_attempt_for_a_later_retry(
        payments_stripe, monkeypatch, settings):
    monkeypatch.setattr(gateway, "sleep", lambda s: None)
    settings.PAYMENTS_GATEWAY_RETRIES = 2
    payments_stripe.control.inject("api_error", count=3, path_prefix="/v1/payment_intents")
    attempt = attempt_create(payer=UserFactory(), amount="20", currency="CNY", scope=SCOPE,
                             provider_payment_method="pm_card_visa")
    with pytest.raises(errors.PaymentsUnavailable) as unavailable:
        attempt_confirm(attempt=attempt)
    assert unavailable.value.status_code == 503 and "500" not in str(unavailable.value.message)
    attempt.refresh_from_db()
    assert attempt.status == A.CREATED
    assert attempt_confirm(attempt=attempt).status == A.SUCCEEDED  # same key, later
    assert payments_stripe.control.ledger(metadata={"attempt": str(attempt.uid)})["count"] == 1


def test_a_provider_call_inside_a_transaction_fails(payments_stripe):
    attempt = attempt_create(payer=UserFactory(), amount="20", currency="CNY", scope=SCOPE,
                             provider_payment_method="pm_card_visa")
    with pytest.raises(ProviderCalledInTransaction), transaction.atomic():
        attempt_confirm(attempt=attempt)
    assert payments_stripe.control.ledger(metadata={"attempt": str(attempt.uid)})["count"] == 0


def test_manual_capture_and_cancel(payments_stripe):
    payer = UserFactory()
    held = _pay(payer, capture=False)
    assert held.status == A.PROCESSING and held.authorised
    assert held_in_escrow(SCOPE, "CNY").is_zero()  # not money until captured
    captured = attempt_capture(attempt=held)
    assert captured.status == A.SUCCEEDED
    other = _pay(payer, capture=False)
    assert attempt_cancel(attempt=other).status == A.CANCELED
    assert held_in_escrow(SCOPE, "CNY") == Money(Decimal("88.00"), "CNY")
    assert ledger_problems() == []


@pytest.mark.parametrize(("amount", "currency", "rule"), [
    ("0", "CNY", "more than zero"),
    ("-5", "CNY", "more than zero"),
    ("1.234", "CNY", "at most 2 decimals"),
    ("10.5", "JPY", "at most 0 decimals"),
    ("10", "XTS", "Unknown currency"),
    ("ten", "CNY", "must be a number"),
])
def test_bad_amounts_are_refused_naming_the_rule_and_nothing_is_written(
        amount, currency, rule):
    with translation.override("en"), \
            pytest.raises(errors.PaymentsValidationError, match=rule) as refused:
        attempt_create(payer=UserFactory(), amount=amount, currency=currency, scope=SCOPE,
                       provider_payment_method="pm_card_visa")
    assert refused.value.status_code == 400
    assert not PaymentAttempt.objects.exists()


def test_off_session_needs_a_saved_card_with_consent(payments_stripe, english):
    payer = UserFactory()
    with pytest.raises(errors.PaymentsValidationError, match="saved card"):
        attempt_create(payer=payer, amount="5", currency="CNY", scope=SCOPE, off_session=True)
    card = payment_method_save(user=payer, payment_method="pm_card_visa",
                               off_session_consent=False)
    with pytest.raises(errors.PaymentsConflict, match="agreed"):
        attempt_create(payer=payer, amount="5", currency="CNY", scope=SCOPE,
                       payment_method=card, off_session=True)
    with pytest.raises(errors.PaymentsValidationError, match="someone else"):
        attempt_create(payer=UserFactory(), amount="5", currency="CNY", scope=SCOPE,
                       payment_method=card)
