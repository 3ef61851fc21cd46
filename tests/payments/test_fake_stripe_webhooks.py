"""Webhook endpoints and signed deliveries to a local receiver, verified with the SDK's
``stripe.Webhook.construct_event``; duplicates, shuffling, retries."""

from __future__ import annotations

import socket

import pytest
import stripe

from marketplace.payments.fake_stripe.process import FakeStripeServer
from tests.payments.conftest import wait_until


def _endpoint(client, url, events=("customer.created",)):
    return client.v1.webhook_endpoints.create(params={"url": url,
                                                      "enabled_events": list(events)})


def test_endpoint_create_list_retrieve_update_delete(stripe_target):
    client = stripe_target.client()
    endpoint = _endpoint(client, "https://shop.example.org/webhooks/stripe")
    assert isinstance(endpoint, stripe.WebhookEndpoint)
    assert endpoint.id.startswith("we_") and endpoint.secret.startswith("whsec_")
    fetched = client.v1.webhook_endpoints.retrieve(endpoint.id)
    assert fetched.url == endpoint.url and "secret" not in fetched
    assert endpoint.id in [e.id for e in client.v1.webhook_endpoints.list().data]
    updated = client.v1.webhook_endpoints.update(endpoint.id, params={
        "enabled_events": ["payment_intent.succeeded", "charge.refunded"]})
    assert list(updated.enabled_events) == ["payment_intent.succeeded", "charge.refunded"]
    deleted = client.v1.webhook_endpoints.delete(endpoint.id)
    assert deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.webhook_endpoints.retrieve(endpoint.id)


def test_endpoint_validation(stripe_target):
    client = stripe_target.client()
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.webhook_endpoints.create(params={"url": "https://shop.example.org/hook",
                                                   "enabled_events": ["no.such_event"]})
    assert caught.value.param == "enabled_events[0]"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.webhook_endpoints.create(params={"enabled_events": ["*"]})
    assert caught.value.param == "url"


def test_signed_delivery_verifies_and_tampering_fails(fake_stripe, webhook_receiver):
    client = fake_stripe.client()
    endpoint = _endpoint(client, webhook_receiver.url)
    customer = client.v1.customers.create(params={"email": "hook@example.org"})
    client.v1.payment_intents.create(params={"amount": 900, "currency": "usd"})  # not subscribed
    (received,) = webhook_receiver.wait_for(1)
    header = received.headers["Stripe-Signature"]
    assert header.startswith("t=") and ",v1=" in header
    event = stripe.Webhook.construct_event(received.body.decode(), header, endpoint.secret)
    assert event.type == "customer.created"
    assert event.data.object.id == customer.id
    assert event.id == client.v1.events.list(params={"type": "customer.created"}).data[0].id
    tampered = received.body.decode().replace("hook@example.org", "evil@example.org")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(tampered, header, endpoint.secret)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(received.body.decode(), header, "whsec_wrong")
    deliveries = fake_stripe.control.deliveries()
    assert [d["type"] for d in deliveries] == ["customer.created"]
    assert deliveries[0]["status"] == "succeeded"


def test_duplicates(fake_stripe, webhook_receiver):
    client = fake_stripe.client()
    fake_stripe.control.webhook_settings(duplicates=3)
    _endpoint(client, webhook_receiver.url)
    client.v1.customers.create()
    received = webhook_receiver.wait_for(3)
    assert len({r.event["id"] for r in received}) == 1


def test_shuffle_within_a_window(fake_stripe, webhook_receiver):
    client = fake_stripe.client()
    fake_stripe.control.webhook_settings(shuffle_window=6, shuffle_flush_seconds=120, seed=7)
    _endpoint(client, webhook_receiver.url)
    made = [client.v1.customers.create().id for _ in range(6)]
    received = webhook_receiver.wait_for(6, timeout=150)
    order = [r.event["data"]["object"]["id"] for r in received]
    assert sorted(order) == sorted(made)
    assert order != made


def test_retries_after_a_500(fake_stripe, webhook_receiver):
    client = fake_stripe.client()
    fake_stripe.control.webhook_settings(retry_base_seconds=0.05)
    webhook_receiver.script = [500, 500]
    endpoint = _endpoint(client, webhook_receiver.url)
    client.v1.customers.create()
    (received,) = webhook_receiver.wait_for(1)
    stripe.Webhook.construct_event(received.body.decode(),
                                   received.headers["Stripe-Signature"], endpoint.secret)
    assert webhook_receiver.answered == [500, 500, 200]
    (delivery,) = wait_until(lambda: [d for d in fake_stripe.control.deliveries()
                                      if d["status"] == "succeeded"], what="delivery status")
    assert [a["status"] for a in delivery["attempts"]] == [500, 500, 200]


def test_connection_errors_are_retried_then_given_up(fake_stripe):
    client = fake_stripe.client()
    fake_stripe.control.webhook_settings(retry_base_seconds=0.05, max_attempts=3)
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    _endpoint(client, f"http://127.0.0.1:{port}/hook")
    client.v1.customers.create()
    (delivery,) = wait_until(lambda: [d for d in fake_stripe.control.deliveries()
                                      if d["status"] == "failed"], what="failed delivery")
    assert len(delivery["attempts"]) == 3
    assert all("error" in a for a in delivery["attempts"])


def test_command_line_webhook_url(webhook_receiver):
    secret = "whsec_commandline0123456789"
    with FakeStripeServer(args=["--webhook-url", webhook_receiver.url,
                                "--webhook-secret", secret]) as server:
        client = server.client()
        pi = client.v1.payment_intents.create(params={
            "amount": 700, "currency": "usd", "payment_method": "pm_card_visa",
            "confirm": True})
        received = webhook_receiver.wait_for(3)
    events = [stripe.Webhook.construct_event(r.body.decode(), r.headers["Stripe-Signature"],
                                             secret) for r in received]
    assert [e.type for e in events] == ["payment_intent.created", "charge.succeeded",
                                        "payment_intent.succeeded"]
    assert events[-1].data.object.id == pi.id
