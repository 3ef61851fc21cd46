"""Payment intents through the real SDK: every test card on- and off-session, 3-D Secure,
manual capture, cancel, update, list, amount and currency validation."""

from __future__ import annotations

import pytest
import stripe

DECLINES = [
    ("pm_card_chargeDeclined", "card_declined", "generic_decline"),
    ("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
    ("pm_card_chargeDeclinedExpiredCard", "expired_card", None),
]


def _customer(client: stripe.StripeClient) -> stripe.Customer:
    return client.v1.customers.create(params={"email": "backer@example.org"})


def _create(client, **params) -> stripe.PaymentIntent:
    # card only: Stripe's default automatic payment methods would want a return_url
    base = {"amount": 2000, "currency": "usd", "payment_method_types": ["card"]}
    base.update(params)
    return client.v1.payment_intents.create(params=base)


@pytest.mark.parametrize("card", ["pm_card_visa", "pm_card_mastercard"])
@pytest.mark.parametrize("off_session", [False, True])
def test_good_cards_succeed_on_and_off_session(stripe_target, card, off_session):
    client = stripe_target.client()
    customer = _customer(client)
    pi = _create(client, customer=customer.id, payment_method=card, confirm=True,
                 off_session=off_session, metadata={"pledge": "7"},
                 expand=["latest_charge", "payment_method"])
    assert isinstance(pi, stripe.PaymentIntent)
    assert pi.id.startswith("pi_") and pi.status == "succeeded"
    assert pi.amount_received == 2000 and pi.livemode is False
    assert isinstance(pi.latest_charge, stripe.Charge)
    assert pi.latest_charge.id.startswith("ch_") and pi.latest_charge.paid
    assert pi.latest_charge.metadata["pledge"] == "7"
    # test payment methods are cloned into a new pm_... on every use
    assert pi.payment_method.id.startswith("pm_") and pi.payment_method.id != card
    brand = "visa" if card == "pm_card_visa" else "mastercard"
    assert pi.payment_method.card.brand == brand
    charge = client.v1.charges.retrieve(pi.latest_charge.id)
    assert charge.amount == 2000 and charge.amount_refunded == 0 and not charge.refunded
    assert charge.payment_intent == pi.id


@pytest.mark.parametrize(("card", "code", "decline_code"), DECLINES)
@pytest.mark.parametrize("off_session", [False, True])
def test_declined_cards(stripe_target, card, code, decline_code, off_session):
    client = stripe_target.client()
    customer = _customer(client)
    with pytest.raises(stripe.CardError) as caught:
        _create(client, customer=customer.id, payment_method=card, confirm=True,
                off_session=off_session)
    error = caught.value
    assert error.http_status == 402
    assert error.code == code
    assert error.error.decline_code == decline_code
    intent = error.error.payment_intent
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error.code == code
    assert intent.last_payment_error.payment_method.id.startswith("pm_")
    # the intent exists and says the same
    again = client.v1.payment_intents.retrieve(intent.id)
    assert again.status == "requires_payment_method"
    assert again.last_payment_error.get("decline_code") == decline_code


@pytest.mark.parametrize("card", ["pm_card_authenticationRequired",
                                  "pm_card_authenticationRequiredSetupForOffSession"])
def test_authentication_cards_off_session_without_setup_fail(stripe_target, card):
    client = stripe_target.client()
    customer = _customer(client)
    with pytest.raises(stripe.CardError) as caught:
        _create(client, customer=customer.id, payment_method=card, confirm=True,
                off_session=True)
    assert caught.value.code == "authentication_required"
    assert caught.value.error.decline_code == "authentication_required"
    assert caught.value.error.payment_intent.status == "requires_payment_method"


@pytest.mark.parametrize("card", ["pm_card_authenticationRequired",
                                  "pm_card_authenticationRequiredSetupForOffSession"])
def test_authentication_cards_on_session_require_action(stripe_target, card):
    client = stripe_target.client()
    pi = _create(client, payment_method=card, confirm=True,
                 return_url="https://shop.example.org/back")
    assert pi.status == "requires_action"
    assert pi.next_action.type == "redirect_to_url"
    assert pi.next_action.redirect_to_url.return_url == "https://shop.example.org/back"


def test_on_session_without_return_url_uses_stripe_sdk(fake_stripe):
    pi = _create(fake_stripe.client(), payment_method="pm_card_authenticationRequired",
                 confirm=True)
    assert pi.status == "requires_action"
    assert pi.next_action.type == "use_stripe_sdk"
    assert pi.next_action.use_stripe_sdk["stripe_js"].endswith(f"/fake/3ds/{pi.id}")


def _set_up(client, control, customer, card):
    si = client.v1.setup_intents.create(params={
        "customer": customer.id, "payment_method": card, "confirm": True,
        "usage": "off_session", "return_url": "https://shop.example.org/saved"})
    assert si.status == "requires_action"
    control.complete_3ds(si.id)
    si = client.v1.setup_intents.retrieve(si.id)
    assert si.status == "succeeded"
    return si.payment_method


def test_3155_set_up_then_charges_off_session_without_authentication(fake_stripe):
    client = fake_stripe.client()
    customer = _customer(client)
    pm = _set_up(client, fake_stripe.control, customer,
                 "pm_card_authenticationRequiredSetupForOffSession")
    pi = _create(client, customer=customer.id, payment_method=pm, confirm=True,
                 off_session=True)
    assert pi.status == "succeeded"
    # on-session it still asks for authentication
    on_session = _create(client, customer=customer.id, payment_method=pm, confirm=True)
    assert on_session.status == "requires_action"


def test_3184_set_up_still_fails_off_session(fake_stripe):
    client = fake_stripe.client()
    customer = _customer(client)
    pm = _set_up(client, fake_stripe.control, customer, "pm_card_authenticationRequired")
    with pytest.raises(stripe.CardError) as caught:
        _create(client, customer=customer.id, payment_method=pm, confirm=True,
                off_session=True)
    assert caught.value.code == "authentication_required"


def test_setup_future_usage_after_3ds_attaches_and_allows_off_session(fake_stripe):
    client = fake_stripe.client()
    customer = _customer(client)
    pi = _create(client, customer=customer.id, confirm=True, setup_future_usage="off_session",
                 payment_method="pm_card_authenticationRequiredSetupForOffSession",
                 return_url="https://shop.example.org/back")
    assert pi.status == "requires_action"
    fake_stripe.control.complete_3ds(pi.id)
    pi = client.v1.payment_intents.retrieve(pi.id)
    assert pi.status == "succeeded"
    pm = client.v1.payment_methods.retrieve(pi.payment_method)
    assert pm.customer == customer.id
    later = _create(client, customer=customer.id, payment_method=pm.id, confirm=True,
                    off_session=True)
    assert later.status == "succeeded"


def test_failed_3ds_returns_intent_to_requires_payment_method(fake_stripe):
    client = fake_stripe.client()
    pi = _create(client, payment_method="pm_card_authenticationRequired", confirm=True)
    fake_stripe.control.fail_3ds(pi.id)
    pi = client.v1.payment_intents.retrieve(pi.id)
    assert pi.status == "requires_payment_method"
    assert pi.last_payment_error.code == "payment_intent_authentication_failure"
    assert fake_stripe.control.ledger()["count"] == 0


def test_manual_capture_full_and_partial(stripe_target):
    client = stripe_target.client()
    full = _create(client, payment_method="pm_card_visa", confirm=True,
                   capture_method="manual")
    assert full.status == "requires_capture" and full.amount_capturable == 2000
    full = client.v1.payment_intents.capture(full.id)
    assert full.status == "succeeded" and full.amount_received == 2000
    partial = _create(client, payment_method="pm_card_visa", confirm=True,
                      capture_method="manual")
    partial = client.v1.payment_intents.capture(partial.id,
                                                params={"amount_to_capture": 1500})
    assert partial.amount_received == 1500
    charge = client.v1.charges.retrieve(partial.latest_charge)
    assert charge.captured and charge.amount_captured == 1500


def test_capture_errors(stripe_target):
    client = stripe_target.client()
    pi = _create(client, payment_method="pm_card_visa", confirm=True, capture_method="manual")
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.payment_intents.capture(pi.id, params={"amount_to_capture": 2500})
    assert caught.value.param == "amount_to_capture"
    done = _create(client, payment_method="pm_card_visa", confirm=True)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.payment_intents.capture(done.id)
    assert caught.value.code == "payment_intent_unexpected_state"


def test_cancel(stripe_target):
    client = stripe_target.client()
    held = _create(client, payment_method="pm_card_visa", confirm=True,
                   capture_method="manual")
    canceled = client.v1.payment_intents.cancel(
        held.id, params={"cancellation_reason": "requested_by_customer"})
    assert canceled.status == "canceled"
    assert canceled.cancellation_reason == "requested_by_customer"
    assert client.v1.charges.retrieve(held.latest_charge).refunded
    done = _create(client, payment_method="pm_card_visa", confirm=True)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.payment_intents.cancel(done.id)
    assert caught.value.code == "payment_intent_unexpected_state"


def test_create_then_update_then_confirm(stripe_target):
    client = stripe_target.client()
    pi = _create(client, metadata={"pledge": "1", "tier": "a"}, description="first")
    assert pi.status == "requires_payment_method"
    pi = client.v1.payment_intents.update(pi.id, params={
        "amount": 3000, "metadata": {"tier": "", "round": "2"},
        "payment_method": "pm_card_visa"})
    assert pi.amount == 3000 and pi.status == "requires_confirmation"
    assert dict(pi.metadata) == {"pledge": "1", "round": "2"}
    pi = client.v1.payment_intents.confirm(pi.id)
    assert pi.status == "succeeded" and pi.amount_received == 3000
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.payment_intents.update(pi.id, params={"amount": 100})
    assert caught.value.code == "payment_intent_unexpected_state"
    # metadata may still change after success
    pi = client.v1.payment_intents.update(pi.id, params={"metadata": {"note": "ok"}})
    assert pi.metadata["note"] == "ok"


def test_confirm_a_declined_intent_again_with_a_good_card(stripe_target):
    client = stripe_target.client()
    with pytest.raises(stripe.CardError) as caught:
        _create(client, payment_method="pm_card_chargeDeclined", confirm=True)
    intent_id = caught.value.error.payment_intent.id
    pi = client.v1.payment_intents.confirm(intent_id, params={"payment_method": "pm_card_visa"})
    assert pi.status == "succeeded"


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": "12.5"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": 10}, "amount"),  # under Stripe's USD 0.50 minimum
        ({"currency": "xyz"}, "currency"),
    ],
)
def test_bad_amounts_and_currencies(stripe_target, params, param):
    client = stripe_target.client()
    base = {"amount": 2000, "currency": "usd", **params}
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.payment_intents.create(params=base)
    assert caught.value.http_status == 400
    assert caught.value.param == param


def test_missing_amount(stripe_target):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_target.client().v1.payment_intents.create(params={"currency": "usd"})
    assert caught.value.param == "amount" and caught.value.code == "parameter_missing"


def test_expand_customer_and_unknown_intent(stripe_target):
    client = stripe_target.client()
    customer = _customer(client)
    pi = _create(client, customer=customer.id, payment_method="pm_card_visa", confirm=True)
    fetched = client.v1.payment_intents.retrieve(pi.id, params={"expand": ["customer"]})
    assert isinstance(fetched.customer, stripe.Customer)
    assert fetched.customer.email == "backer@example.org"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.payment_intents.retrieve("pi_doesnotexist")
    assert caught.value.http_status == 404 and caught.value.code == "resource_missing"


def test_list_by_customer_with_pagination(fake_stripe):
    client = fake_stripe.client()
    customer = _customer(client)
    other = _customer(client)
    mine = [_create(client, customer=customer.id).id for _ in range(5)]
    _create(client, customer=other.id)
    first = client.v1.payment_intents.list(params={"customer": customer.id, "limit": 2})
    assert [p.id for p in first.data] == mine[::-1][:2] and first.has_more
    rest = client.v1.payment_intents.list(params={
        "customer": customer.id, "limit": 10, "starting_after": first.data[-1].id})
    assert [p.id for p in rest.data] == mine[::-1][2:] and not rest.has_more
    before = client.v1.payment_intents.list(params={
        "customer": customer.id, "limit": 2, "ending_before": mine[1]})
    assert [p.id for p in before.data] == [mine[3], mine[2]] and before.has_more
    everything = list(client.v1.payment_intents.list(
        params={"customer": customer.id, "limit": 2}).auto_paging_iter())
    assert [p.id for p in everything] == mine[::-1]


def test_list_created_range(fake_stripe):
    client = fake_stripe.client()
    old = _create(client)
    fake_stripe.control.advance_clock(3600)
    new = _create(client)
    assert new.created >= old.created + 3600
    found = client.v1.payment_intents.list(params={"created": {"gte": new.created}})
    assert [p.id for p in found.data] == [new.id]
    found = client.v1.payment_intents.list(params={"created": {"lt": new.created}})
    assert [p.id for p in found.data] == [old.id]
    found = client.v1.payment_intents.list(
        params={"created": {"gt": old.created - 1, "lte": new.created}})
    assert [p.id for p in found.data] == [new.id, old.id]
