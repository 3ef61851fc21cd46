"""Events: one per state change, with the object as it was at that moment; listing by
type (exact and wildcard), created range and pagination."""

from __future__ import annotations

import pytest
import stripe


def _types(client, **params) -> list[str]:
    return [e.type for e in client.v1.events.list(params={"limit": 100, **params}).data]


def test_off_session_payment_records_its_events(fake_stripe):
    client = fake_stripe.client()
    customer = client.v1.customers.create()
    pi = client.v1.payment_intents.create(params={
        "amount": 1200, "currency": "usd", "customer": customer.id,
        "payment_method": "pm_card_visa", "confirm": True, "off_session": True})
    types = _types(client)
    assert types == ["payment_intent.succeeded", "charge.succeeded",
                     "payment_intent.created", "customer.created"]
    created = client.v1.events.list(params={"type": "payment_intent.created"}).data[0]
    assert isinstance(created, stripe.Event) and created.id.startswith("evt_")
    # the snapshot is the intent as it was when created, not as it is now
    assert created.data.object.id == pi.id
    assert created.data.object.status == "requires_confirmation"
    assert created["request"]["idempotency_key"]  # the SDK sends one on every POST
    fetched = client.v1.events.retrieve(created.id)
    assert fetched.type == "payment_intent.created"


def test_every_flow_emits_its_event_types(fake_stripe):
    client, control = fake_stripe.client(), fake_stripe.control
    customer = client.v1.customers.create()
    si = client.v1.setup_intents.create(params={
        "customer": customer.id, "payment_method": "pm_card_authenticationRequired",
        "confirm": True})
    control.complete_3ds(si.id)
    with pytest.raises(stripe.CardError):
        client.v1.payment_intents.create(params={
            "amount": 900, "currency": "usd", "payment_method": "pm_card_chargeDeclined",
            "confirm": True})
    on_session = client.v1.payment_intents.create(params={
        "amount": 900, "currency": "usd", "payment_method": "pm_card_authenticationRequired",
        "confirm": True})
    client.v1.payment_intents.cancel(on_session.id)
    held = client.v1.payment_intents.create(params={
        "amount": 900, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True,
        "capture_method": "manual"})
    client.v1.payment_intents.capture(held.id)
    client.v1.refunds.create(params={"payment_intent": held.id})
    account = client.v1.accounts.create(params={
        "type": "express", "capabilities": {"transfers": {"requested": True}}})
    control.set_account(account.id, onboard=True)
    paid = client.v1.payment_intents.create(params={
        "amount": 5000, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True})
    client.v1.transfers.create(params={"amount": 100, "currency": "usd",
                                       "destination": account.id})
    assert paid.status == "succeeded"
    seen = {e.type for e in client.v1.events.list(params={"limit": 100}).auto_paging_iter()}
    assert {
        "customer.created", "payment_method.attached", "setup_intent.requires_action",
        "setup_intent.succeeded", "payment_intent.created", "payment_intent.succeeded",
        "payment_intent.payment_failed", "payment_intent.requires_action",
        "payment_intent.canceled", "payment_intent.amount_capturable_updated",
        "charge.succeeded", "charge.failed", "charge.refunded", "refund.created",
        "account.updated", "transfer.created",
    } <= seen


def test_list_by_type_wildcard_created_range_and_pagination(fake_stripe):
    client, control = fake_stripe.client(), fake_stripe.control
    early = [client.v1.customers.create().id for _ in range(3)]
    control.advance_clock(7200)
    late = [client.v1.customers.create().id for _ in range(2)]
    client.v1.payment_intents.create(params={"amount": 900, "currency": "usd"})
    assert _types(client, type="customer.created") == ["customer.created"] * 5
    assert _types(client, type="payment_intent.*") == ["payment_intent.created"]
    all_created = client.v1.events.list(params={"type": "customer.created", "limit": 100})
    boundary = all_created.data[1].created  # the second late one
    recent = client.v1.events.list(params={"type": "customer.created",
                                           "created": {"gte": boundary}})
    assert [e.data.object.id for e in recent.data] == late[::-1]
    older = client.v1.events.list(params={"type": "customer.created",
                                          "created": {"lt": boundary}})
    assert [e.data.object.id for e in older.data] == early[::-1]
    page1 = client.v1.events.list(params={"type": "customer.created", "limit": 2})
    page2 = client.v1.events.list(params={"type": "customer.created", "limit": 2,
                                          "starting_after": page1.data[-1].id})
    back = client.v1.events.list(params={"type": "customer.created", "limit": 2,
                                         "ending_before": page2.data[0].id})
    assert page1.has_more and page2.has_more
    assert [e.id for e in back.data] == [e.id for e in page1.data]
    walked = [e.data.object.id for e in client.v1.events.list(
        params={"type": "customer.created", "limit": 2}).auto_paging_iter()]
    assert walked == (early + late)[::-1]


def test_bad_cursor_and_limit(fake_stripe):
    client = fake_stripe.client()
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.events.list(params={"starting_after": "evt_unknown"})
    assert caught.value.param == "starting_after"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.events.list(params={"limit": 101})
    assert caught.value.param == "limit"
