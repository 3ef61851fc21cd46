"""Fault injection and the rate limit, through the SDK and the control client; the charge
ledger counts what really happened."""

from __future__ import annotations

import pytest
import stripe

PLEDGE = {"amount": 1800, "currency": "usd", "payment_method": "pm_card_visa",
          "confirm": True, "off_session": True, "metadata": {"pledge": "31"}}


def _charges(fake_stripe) -> int:
    return fake_stripe.control.ledger(metadata={"pledge": "31"})["count"]


def test_injected_429_and_500(fake_stripe):
    client = fake_stripe.client()
    fake_stripe.control.inject("rate_limit", count=2, method="POST",
                               path_prefix="/v1/customers")
    fake_stripe.control.inject("api_error", path_prefix="/v1/payment_intents/")
    client.v1.payment_intents.list()  # /v1/payment_intents does not match the prefix
    for _ in range(2):
        with pytest.raises(stripe.RateLimitError) as caught:
            client.v1.customers.create()
        assert caught.value.http_status == 429 and caught.value.error.code == "rate_limit"
    assert client.v1.customers.create().id.startswith("cus_")
    with pytest.raises(stripe.APIError) as caught:
        client.v1.payment_intents.retrieve("pi_anything")
    assert caught.value.http_status == 500 and caught.value.error.type == "api_error"
    assert fake_stripe.control.faults() == []


def test_sdk_retries_through_an_injected_500(fake_stripe):
    client = fake_stripe.client(max_network_retries=2)
    fake_stripe.control.inject("api_error", path_prefix="/v1/payment_intents")
    assert client.v1.payment_intents.create(params=PLEDGE).status == "succeeded"
    assert _charges(fake_stripe) == 1


def test_hang_then_answers_normally(fake_stripe):
    client = fake_stripe.client()
    fake_stripe.control.inject("hang", seconds=0.5, path_prefix="/v1/payment_intents")
    assert client.v1.payment_intents.create(params=PLEDGE).status == "succeeded"
    assert _charges(fake_stripe) == 1


def test_hang_beyond_the_client_timeout_then_retry_with_the_same_key(fake_stripe):
    client = fake_stripe.client(timeout=1)
    fake_stripe.control.inject("hang", seconds=4, path_prefix="/v1/payment_intents")
    with pytest.raises(stripe.APIConnectionError):
        client.v1.payment_intents.create(params=PLEDGE, options={"idempotency_key": "p31"})
    patient = fake_stripe.client(max_network_retries=5, timeout=30)
    pi = patient.v1.payment_intents.create(params=PLEDGE, options={"idempotency_key": "p31"})
    assert pi.status == "succeeded"
    assert _charges(fake_stripe) == 1


def test_dropped_connection_after_the_work_then_sdk_retry_charges_once(fake_stripe):
    client = fake_stripe.client(max_network_retries=2)
    fake_stripe.control.inject("drop", path_prefix="/v1/payment_intents")
    pi = client.v1.payment_intents.create(params=PLEDGE)
    assert pi.status == "succeeded"
    assert pi.last_response.headers.get("Idempotent-Replayed") == "true"
    assert _charges(fake_stripe) == 1


def test_dropped_connection_and_a_naive_retry_double_charges(fake_stripe):
    client = fake_stripe.client()
    fake_stripe.control.inject("drop", path_prefix="/v1/payment_intents")
    with pytest.raises(stripe.APIConnectionError):
        client.v1.payment_intents.create(params=PLEDGE)
    # a new request without the first one's key: the ledger shows the double charge
    client.v1.payment_intents.create(params=PLEDGE)
    ledger = fake_stripe.control.ledger(metadata={"pledge": "31"})
    assert ledger["count"] == 2
    assert len({c["idempotency_key"] for c in ledger["charges"]}) == 2


def test_rate_limit_token_bucket(fake_stripe):
    client = fake_stripe.client()
    # two tokens and (practically) no refill: the third request is refused
    fake_stripe.control.set_rate_limit(0.001, burst=2)
    client.v1.customers.create()
    client.v1.customers.list()
    with pytest.raises(stripe.RateLimitError):
        client.v1.customers.create()
    assert fake_stripe.control.state()["rate_limit"]["refused"] == 1
    fake_stripe.control.set_rate_limit(None)
    assert client.v1.customers.create().id.startswith("cus_")


def test_rate_limit_at_start():
    from marketplace.payments.fake_stripe.process import FakeStripeServer

    with FakeStripeServer(args=["--rate-limit", "0.001"]) as server:
        client = server.client()
        client.v1.customers.create()
        with pytest.raises(stripe.RateLimitError):
            client.v1.customers.create()


def test_ledger_records_what_was_charged(fake_stripe):
    client = fake_stripe.client()
    customer = client.v1.customers.create()
    pi = client.v1.payment_intents.create(params={**PLEDGE, "customer": customer.id},
                                          options={"idempotency_key": "ledger-1"})
    with pytest.raises(stripe.CardError):
        client.v1.payment_intents.create(params={**PLEDGE,
                                                 "payment_method": "pm_card_chargeDeclined"})
    (entry,) = fake_stripe.control.charges(customer=customer.id)
    assert entry["payment_intent"] == pi.id and entry["charge"] == pi.latest_charge
    assert (entry["amount"], entry["currency"]) == (1800, "usd")
    assert entry["payment_method"] == pi.payment_method
    assert entry["metadata"] == {"pledge": "31"} and entry["idempotency_key"] == "ledger-1"
    assert fake_stripe.control.ledger()["totals"]["usd"]["count"] == 1
