"""Idempotency keys as Stripe documents them, through the SDK."""

from __future__ import annotations

import threading
import uuid

import pytest
import stripe

from tests.payments.conftest import wait_until

CHARGE = {"amount": 2500, "currency": "usd", "payment_method": "pm_card_visa",
          "payment_method_types": ["card"], "confirm": True, "off_session": True, "metadata": {"pledge": "21"}}


def _key() -> str:
    return f"pledge-21-{uuid.uuid4()}"


def test_replay_returns_the_first_response_without_a_second_charge(stripe_target):
    client = stripe_target.client()
    key = _key()
    first = client.v1.payment_intents.create(params=CHARGE, options={"idempotency_key": key})
    again = client.v1.payment_intents.create(params=CHARGE, options={"idempotency_key": key})
    assert again.id == first.id and again.latest_charge == first.latest_charge
    assert again.last_response.headers.get("Idempotent-Replayed") == "true"
    assert first.last_response.headers.get("Idempotent-Replayed") is None
    if stripe_target.is_fake:
        assert stripe_target.control.ledger(metadata={"pledge": "21"})["count"] == 1


def test_same_key_other_parameters_is_an_idempotency_error(stripe_target):
    client = stripe_target.client()
    key = _key()
    client.v1.payment_intents.create(params=CHARGE, options={"idempotency_key": key})
    with pytest.raises(stripe.IdempotencyError) as caught:
        client.v1.payment_intents.create(params={**CHARGE, "amount": 2600},
                                         options={"idempotency_key": key})
    assert caught.value.http_status == 400
    assert "same parameters" in caught.value.user_message
    with pytest.raises(stripe.IdempotencyError):
        client.v1.customers.create(options={"idempotency_key": key})


def test_decline_is_saved_and_replayed(stripe_target):
    client = stripe_target.client()
    key = _key()
    params = {**CHARGE, "payment_method": "pm_card_chargeDeclined"}
    with pytest.raises(stripe.CardError) as first:
        client.v1.payment_intents.create(params=params, options={"idempotency_key": key})
    with pytest.raises(stripe.CardError) as again:
        client.v1.payment_intents.create(params=params, options={"idempotency_key": key})
    assert again.value.error.payment_intent.id == first.value.error.payment_intent.id
    assert again.value.headers.get("Idempotent-Replayed") == "true"


def test_validation_errors_are_not_saved(stripe_target):
    client = stripe_target.client()
    key = _key()
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.customers.create(params={"emial": "x@example.org"},
                                   options={"idempotency_key": key})
    customer = client.v1.customers.create(params={"email": "x@example.org"},
                                          options={"idempotency_key": key})
    assert customer.email == "x@example.org"


def test_keys_expire_after_24_hours(fake_stripe):
    client = fake_stripe.client()
    key = _key()
    first = client.v1.payment_intents.create(params=CHARGE, options={"idempotency_key": key})
    fake_stripe.control.advance_clock(23 * 3600)
    assert client.v1.payment_intents.create(
        params=CHARGE, options={"idempotency_key": key}).id == first.id
    fake_stripe.control.advance_clock(3601)
    later = client.v1.payment_intents.create(params=CHARGE, options={"idempotency_key": key})
    assert later.id != first.id
    assert fake_stripe.control.ledger(metadata={"pledge": "21"})["count"] == 2


def test_injected_500_is_not_saved(fake_stripe):
    client = fake_stripe.client()
    key = _key()
    fake_stripe.control.inject("api_error", path_prefix="/v1/payment_intents")
    with pytest.raises(stripe.APIError) as caught:
        client.v1.payment_intents.create(params=CHARGE, options={"idempotency_key": key})
    assert caught.value.http_status == 500
    pi = client.v1.payment_intents.create(params=CHARGE, options={"idempotency_key": key})
    assert pi.status == "succeeded"
    assert pi.last_response.headers.get("Idempotent-Replayed") is None
    assert fake_stripe.control.ledger(metadata={"pledge": "21"})["count"] == 1


def test_injected_429_is_not_saved(fake_stripe):
    client = fake_stripe.client()
    key = _key()
    fake_stripe.control.inject("rate_limit")
    with pytest.raises(stripe.RateLimitError):
        client.v1.payment_intents.create(params=CHARGE, options={"idempotency_key": key})
    assert client.v1.payment_intents.create(
        params=CHARGE, options={"idempotency_key": key}).status == "succeeded"


def test_a_key_still_in_flight_answers_409(fake_stripe):
    # generous hang and client timeout: the second request must arrive while the first
    # still waits, even on a busy machine
    client = fake_stripe.client(timeout=60)
    key = _key()
    fake_stripe.control.inject("hang", seconds=10, path_prefix="/v1/payment_intents")
    outcome: dict = {}

    def slow() -> None:
        outcome["first"] = client.v1.payment_intents.create(
            params=CHARGE, options={"idempotency_key": key})

    thread = threading.Thread(target=slow)
    thread.start()
    wait_until(lambda: key in fake_stripe.control.in_flight_keys(), what="key in flight")
    with pytest.raises(stripe.APIError) as caught:
        client.v1.payment_intents.create(params=CHARGE, options={"idempotency_key": key})
    thread.join(timeout=60)
    assert caught.value.http_status == 409
    assert caught.value.error.type == "idempotency_error"
    assert caught.value.error.code == "idempotency_key_in_use"
    assert outcome["first"].status == "succeeded"
    # once finished, the same key replays
    again = client.v1.payment_intents.create(params=CHARGE, options={"idempotency_key": key})
    assert again.id == outcome["first"].id
    assert fake_stripe.control.ledger(metadata={"pledge": "21"})["count"] == 1
