"""Refunds and charges through the SDK: partial and full refunds, refusals above the
remainder, listing."""

from __future__ import annotations

import pytest
import stripe


def _paid(client, amount=5000, currency="usd"):
    return client.v1.payment_intents.create(params={
        "amount": amount, "currency": currency, "payment_method": "pm_card_visa",
        "payment_method_types": ["card"], "confirm": True, "metadata": {"pledge": "11"}})


def test_partial_then_full_refund(stripe_target):
    client = stripe_target.client()
    pi = _paid(client)
    first = client.v1.refunds.create(params={
        "payment_intent": pi.id, "amount": 2000, "reason": "requested_by_customer",
        "metadata": {"why": "tier changed"}})
    assert isinstance(first, stripe.Refund)
    assert first.id.startswith("re_") and first.status == "succeeded"
    assert first.amount == 2000 and first.charge == pi.latest_charge
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert charge.amount_refunded == 2000 and not charge.refunded
    rest = client.v1.refunds.create(params={"charge": pi.latest_charge})
    assert rest.amount == 3000
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert charge.amount_refunded == 5000 and charge.refunded
    fetched = client.v1.refunds.retrieve(first.id)
    assert fetched.metadata["why"] == "tier changed"


def test_refund_above_the_remainder_is_refused(stripe_target):
    client = stripe_target.client()
    pi = _paid(client)
    client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 4000})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 1500})
    error = caught.value
    assert error.http_status == 400
    assert error.code == "amount_too_large" and error.param == "amount"
    assert error.user_message == (
        "Refund amount ($15.00) is greater than unrefunded amount on charge ($10.00)")
    assert client.v1.charges.retrieve(pi.latest_charge).amount_refunded == 4000


def test_refund_of_a_fully_refunded_charge(stripe_target):
    client = stripe_target.client()
    pi = _paid(client)
    client.v1.refunds.create(params={"payment_intent": pi.id})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.refunds.create(params={"payment_intent": pi.id})
    assert caught.value.code == "charge_already_refunded"


def test_refund_needs_a_successful_payment(stripe_target):
    client = stripe_target.client()
    pending = client.v1.payment_intents.create(params={"amount": 900, "currency": "usd"})
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.refunds.create(params={"payment_intent": pending.id})
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.refunds.create(params={"amount": 100})


def test_refund_list_by_payment_intent(fake_stripe):
    client = fake_stripe.client()
    pi, other = _paid(client), _paid(client)
    ids = [client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 1000}).id
           for _ in range(3)]
    client.v1.refunds.create(params={"payment_intent": other.id, "amount": 100})
    listed = client.v1.refunds.list(params={"payment_intent": pi.id})
    assert [r.id for r in listed.data] == ids[::-1]
    assert len(client.v1.refunds.list().data) == 4
    ledger = fake_stripe.control.ledger(metadata={"pledge": "11"})
    assert ledger["count"] == 2
    assert ledger["totals"]["usd"] == {"count": 2, "amount_captured": 10000,
                                       "amount_refunded": 3100}


def test_charge_list_by_payment_intent_and_zero_decimal_currency(fake_stripe):
    client = fake_stripe.client()
    pi = _paid(client, amount=500, currency="jpy")
    charges = client.v1.charges.list(params={"payment_intent": pi.id})
    assert [c.id for c in charges.data] == [pi.latest_charge]
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 600})
    assert "¥600" in caught.value.user_message and "¥500" in caught.value.user_message


def test_refund_update_metadata(stripe_target):
    client = stripe_target.client()
    refund = client.v1.refunds.create(params={"payment_intent": _paid(client).id})
    refund = client.v1.refunds.update(refund.id, params={"metadata": {"ticket": "77"}})
    assert refund.metadata["ticket"] == "77"
