"""The webhook endpoint with deliveries signed by the fake Stripe server: tampered and
unsigned bodies refused with nothing stored; every event delivered three times and
shuffled gives the same end state; a succeeded event before our own call returned; events
for objects we do not know; two deliveries of one event at once."""

from __future__ import annotations

import random
import threading

import pytest
from django.db import connection
from django.test import Client

from marketplace.payments.fake_stripe.webhooks import sign
from marketplace.payments.ledger.check import ledger_problems
from marketplace.payments.models import PaymentAttempt, Refund, WebhookEvent
from marketplace.payments.services.attempts import attempt_confirm, attempt_create
from marketplace.payments.services.refunds import refund_request
from tests.factories import UserFactory
from tests.payments.conftest import wait_until

URL = "/payments/stripe/webhook/"
SCOPE = "crowdfunding.campaign:3"


def _post(client, body: bytes, signature: str | None):
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature is not None else {}
    return client.post(URL, data=body, content_type="application/json", **headers)


def _deliveries(receiver, count):
    return [(r.body, r.headers["Stripe-Signature"]) for r in receiver.wait_for(count)]


@pytest.mark.django_db
def test_tampered_unsigned_and_malformed_webhooks_are_refused_and_nothing_is_stored(
        webhook_endpoint, settings, client, english):
    UserFactory()
    from marketplace.payments.services.methods import customer_ensure

    customer_ensure(user=UserFactory())  # one customer.created event
    body, signature = _deliveries(webhook_endpoint, 1)[0]
    tampered = body.replace(b"customer", b"custom3r", 1)
    for payload, header, words in [(tampered, signature, "does not match"),
                                   (body, None, "missing"),
                                   (body, "t=1,v1=deadbeef", "does not match")]:
        response = _post(client, payload, header)
        assert response.status_code == 400
        assert words in response.json()["detail"]
    malformed = b'{"id": "evt_1", "type": '
    response = _post(client, malformed, sign(malformed.decode(), settings.STRIPE_WEBHOOK_SECRET))
    assert response.status_code == 400 and "malformed" in response.json()["detail"]
    assert not WebhookEvent.objects.exists()


def _scenario(payer):
    """A charge, a partial refund: a handful of events."""
    attempt = attempt_confirm(attempt=attempt_create(
        payer=payer, amount="30.00", currency="CNY", scope=SCOPE,
        provider_payment_method="pm_card_visa"))
    refund_request(attempt=attempt, amount="10.00", reason="changed my mind")
    return attempt


def _end_state():
    return (sorted(PaymentAttempt.objects.values_list("status", "amount_value")),
            sorted(Refund.objects.values_list("status", "amount_value")),
            ledger_problems())


@pytest.mark.django_db
def test_every_webhook_delivered_three_times_and_shuffled_gives_the_same_end_state(
        webhook_endpoint, payments_stripe, client, after_commit):
    with after_commit():
        attempt = _scenario(UserFactory())
    before = _end_state()
    expected = len(payments_stripe.client().v1.events.list(params={"limit": 100}).data)
    deliveries = _deliveries(webhook_endpoint, expected) * 3
    random.Random(7).shuffle(deliveries)
    with after_commit():
        for body, signature in deliveries:
            assert _post(client, body, signature).status_code == 200
    assert _end_state() == before
    assert before[2] == []
    assert WebhookEvent.objects.count() == expected
    assert set(WebhookEvent.objects.values_list("deliveries", flat=True)) == {3}
    assert not WebhookEvent.objects.filter(status=WebhookEvent.Status.FAILED).exists()
    assert WebhookEvent.objects.filter(object_id=attempt.provider_payment_id,
                                       status=WebhookEvent.Status.PROCESSED).exists()


@pytest.mark.django_db
def test_payment_succeeded_event_before_our_own_call_returned(
        webhook_endpoint, payments_stripe, client, after_commit):
    """Our call's answer is lost (the fake drops the connection after the work) and the
    webhook arrives first: it alone moves the attempt; our retry then changes nothing."""
    attempt = attempt_create(payer=UserFactory(), amount="40.00", currency="CNY", scope=SCOPE,
                             provider_payment_method="pm_card_visa")
    stripe = payments_stripe.client()
    # the charge happens at the provider with our key, but we never saw the answer
    stripe.v1.payment_intents.create(params={
        "amount": 4000, "currency": "cny", "payment_method": "pm_card_visa", "confirm": True,
        "payment_method_types": ["card"], "capture_method": "automatic",
        "metadata": {"attempt": str(attempt.uid), "scope": SCOPE,
                     "reference": attempt.reference}},
        options={"idempotency_key": attempt.key})
    wait_until(lambda: any(b"payment_intent.succeeded" in r.body
                           for r in webhook_endpoint.received), what="the succeeded event")
    with after_commit():
        for received in list(webhook_endpoint.received):
            _post(client, received.body, received.headers["Stripe-Signature"])
    attempt.refresh_from_db()
    assert attempt.status == PaymentAttempt.Status.SUCCEEDED
    again = attempt_confirm(attempt=attempt)
    assert again.status == PaymentAttempt.Status.SUCCEEDED
    assert payments_stripe.control.ledger(metadata={"attempt": str(attempt.uid)})["count"] == 1
    assert ledger_problems() == []


@pytest.mark.django_db
def test_events_for_objects_we_do_not_know_are_recorded_and_answered_200(
        webhook_endpoint, payments_stripe, client, after_commit):
    payments_stripe.client().v1.payment_intents.create(params={
        "amount": 500, "currency": "cny", "payment_method": "pm_card_visa", "confirm": True,
        "payment_method_types": ["card"]})
    deliveries = _deliveries(webhook_endpoint, 2)
    with after_commit():
        for body, signature in deliveries:
            assert _post(client, body, signature).status_code == 200
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"ignored"}


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_of_one_event_at_once_store_and_process_it_once(
        requires_postgres, webhook_endpoint, payments_stripe):
    attempt = attempt_create(payer=UserFactory(), amount="25.00", currency="CNY", scope=SCOPE,
                             provider_payment_method="pm_card_visa")
    attempt = attempt_confirm(attempt=attempt)
    wait_until(lambda: any(b"payment_intent.succeeded" in r.body
                           for r in webhook_endpoint.received), what="the succeeded event")
    body, signature = next((r.body, r.headers["Stripe-Signature"])
                           for r in webhook_endpoint.received
                           if b"payment_intent.succeeded" in r.body)
    barrier = threading.Barrier(2)
    answers = []

    def deliver():
        try:
            barrier.wait(timeout=30)
            answers.append(_post(Client(), body, signature).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [200, 200]
    event = WebhookEvent.objects.get()
    assert event.deliveries == 2
    assert event.status == WebhookEvent.Status.PROCESSED
    assert ledger_problems() == []
