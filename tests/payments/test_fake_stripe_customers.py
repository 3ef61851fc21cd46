"""Customers and payment methods through the SDK."""

from __future__ import annotations

import pytest
import stripe


def test_customer_create_retrieve_update(stripe_target):
    client = stripe_target.client()
    customer = client.v1.customers.create(params={
        "email": "maker@example.org", "name": "Li Lei", "metadata": {"user": "42"}})
    assert isinstance(customer, stripe.Customer)
    assert customer.id.startswith("cus_") and customer.livemode is False
    assert isinstance(customer.created, int)
    fetched = client.v1.customers.retrieve(customer.id)
    assert fetched.email == "maker@example.org" and fetched.metadata["user"] == "42"
    updated = client.v1.customers.update(customer.id, params={
        "name": "Han Meimei", "metadata": {"user": "", "role": "backer"}})
    assert updated.name == "Han Meimei"
    assert dict(updated.metadata) == {"role": "backer"}


def test_customer_list_pagination_and_email_filter(fake_stripe):
    client = fake_stripe.client()
    made = [client.v1.customers.create(params={"email": f"c{i}@example.org"}).id
            for i in range(4)]
    page = client.v1.customers.list(params={"limit": 3})
    assert page.object == "list" and page.url == "/v1/customers"
    assert [c.id for c in page.data] == made[::-1][:3] and page.has_more
    tail = client.v1.customers.list(params={"limit": 3, "starting_after": page.data[-1].id})
    assert [c.id for c in tail.data] == [made[0]] and not tail.has_more
    by_email = client.v1.customers.list(params={"email": "c2@example.org"})
    assert [c.id for c in by_email.data] == [made[2]]


def test_unknown_customer_is_404_and_unknown_parameter_is_400(stripe_target):
    client = stripe_target.client()
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.customers.retrieve("cus_nobodyhere")
    assert caught.value.http_status == 404 and caught.value.code == "resource_missing"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.customers.create(params={"emial": "typo@example.org"})
    assert caught.value.code == "parameter_unknown" and caught.value.param == "emial"


def test_payment_method_card_details_and_cloning(stripe_target):
    client = stripe_target.client()
    first = client.v1.payment_methods.retrieve("pm_card_visa")
    second = client.v1.payment_methods.retrieve("pm_card_visa")
    assert isinstance(first, stripe.PaymentMethod)
    assert first.id != second.id and first.id.startswith("pm_")
    card = first.card
    assert (card.brand, card.last4) == ("visa", "4242")
    assert card.exp_month >= 1 and card.exp_year >= 2025
    assert card.fingerprint == second.card.fingerprint
    master = client.v1.payment_methods.retrieve("pm_card_mastercard")
    assert (master.card.brand, master.card.last4) == ("mastercard", "4444")


def test_attach_list_detach(stripe_target):
    client = stripe_target.client()
    customer = client.v1.customers.create()
    pm = client.v1.payment_methods.attach("pm_card_visa", params={"customer": customer.id})
    assert pm.customer == customer.id
    listed = client.v1.payment_methods.list(params={"customer": customer.id, "type": "card"})
    assert [p.id for p in listed.data] == [pm.id]
    via_customer = client.v1.customers.payment_methods.list(customer.id)
    assert [p.id for p in via_customer.data] == [pm.id]
    detached = client.v1.payment_methods.detach(pm.id)
    assert detached.customer is None
    assert client.v1.payment_methods.list(params={"customer": customer.id}).data == []
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.payment_methods.detach(pm.id)


def test_attaching_a_declining_card_fails(stripe_target):
    client = stripe_target.client()
    customer = client.v1.customers.create()
    with pytest.raises(stripe.CardError) as caught:
        client.v1.payment_methods.attach("pm_card_chargeDeclined",
                                         params={"customer": customer.id})
    assert caught.value.code == "card_declined"
    assert caught.value.error.decline_code == "generic_decline"


def test_customer_default_payment_method(stripe_target):
    client = stripe_target.client()
    customer = client.v1.customers.create()
    pm = client.v1.payment_methods.attach("pm_card_visa", params={"customer": customer.id})
    customer = client.v1.customers.update(customer.id, params={
        "invoice_settings": {"default_payment_method": pm.id}})
    assert customer.invoice_settings.default_payment_method == pm.id
    expanded = client.v1.customers.retrieve(
        customer.id, params={"expand": ["invoice_settings.default_payment_method"]})
    assert expanded.invoice_settings.default_payment_method.card.last4 == "4242"


def test_payment_method_update(stripe_target):
    client = stripe_target.client()
    customer = client.v1.customers.create()
    pm = client.v1.payment_methods.attach("pm_card_visa", params={"customer": customer.id})
    pm = client.v1.payment_methods.update(pm.id, params={
        "billing_details": {"name": "Li Lei"}, "metadata": {"label": "work"}})
    assert pm.billing_details.name == "Li Lei" and pm.metadata["label"] == "work"
