"""Connect through the SDK: accounts, onboarding through the fake's page, transfers
(refused when the destination cannot receive them or the balance is short), balance."""

from __future__ import annotations

import re
import urllib.request
from urllib.parse import urlsplit

import pytest
import stripe


def _express(client, **params):
    return client.v1.accounts.create(params={
        "type": "express", "country": "US", "email": "maker@example.org",
        "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
        **params})


def _fund(client, amount=10000):
    return client.v1.payment_intents.create(params={
        "amount": amount, "currency": "usd", "payment_method": "pm_card_visa",
        "payment_method_types": ["card"], "confirm": True})


def test_account_create_retrieve_update_list(stripe_target):
    client = stripe_target.client()
    account = _express(client, metadata={"org": "5"})
    assert isinstance(account, stripe.Account)
    assert account.id.startswith("acct_") and account.type == "express"
    assert not account.charges_enabled and not account.payouts_enabled
    assert not account.details_submitted
    assert set(account.capabilities) == {"card_payments", "transfers"}
    assert account.requirements.currently_due
    updated = client.v1.accounts.update(account.id, params={"metadata": {"org": "6"}})
    assert updated.metadata["org"] == "6"
    assert client.v1.accounts.retrieve(account.id).email == "maker@example.org"
    listed = client.v1.accounts.list(params={"limit": 100})
    assert account.id in [a.id for a in listed.data]


def test_account_with_controller_properties(fake_stripe):
    client = fake_stripe.client()
    account = client.v1.accounts.create(params={
        "controller": {"stripe_dashboard": {"type": "express"}, "fees": {"payer": "application"},
                       "losses": {"payments": "application"}},
        "capabilities": {"transfers": {"requested": True}}, "country": "DE"})
    assert account.type == "express" and account.country == "DE"
    assert account.controller.stripe_dashboard.type == "express"
    assert account.capabilities.transfers == "inactive"


def test_onboarding_page_completes_the_account(fake_stripe, webhook_receiver):
    client = fake_stripe.client()
    account = _express(client)
    back = webhook_receiver.url.replace("/webhooks/stripe", "/connect/done")
    link = client.v1.account_links.create(params={
        "account": account.id, "type": "account_onboarding",
        "refresh_url": back.replace("done", "again"), "return_url": back})
    assert link.object == "account_link" and link.expires_at > link.created
    with urllib.request.urlopen(link.url, timeout=10) as response:
        html = response.read().decode()
    assert "Complete onboarding" in html
    action = re.search(r'action="([^"]*complete[^"]*)"', html).group(1).replace("&amp;", "&")
    parts = urlsplit(link.url)
    request = urllib.request.Request(f"{parts.scheme}://{parts.netloc}{action}", data=b"",
                                     method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert urlsplit(response.geturl()).path == "/connect/done"
    account = client.v1.accounts.retrieve(account.id)
    assert account.details_submitted and account.charges_enabled and account.payouts_enabled
    assert account.capabilities.transfers == "active"
    assert account.requirements.disabled_reason is None
    events = client.v1.events.list(params={"type": "account.updated"})
    assert events.data[0].data.object.id == account.id
    assert events.data[0].data.object.charges_enabled
    assert events.data[0].data.previous_attributes.charges_enabled is False


def test_transfer_to_an_onboarded_account(fake_stripe):
    client = fake_stripe.client()
    account = _express(client)
    fake_stripe.control.set_account(account.id, onboard=True)
    _fund(client, 10000)
    transfer = client.v1.transfers.create(params={
        "amount": 7000, "currency": "usd", "destination": account.id,
        "transfer_group": "campaign-9", "metadata": {"payout": "3"}})
    assert isinstance(transfer, stripe.Transfer)
    assert transfer.id.startswith("tr_") and transfer.destination == account.id
    assert client.v1.transfers.retrieve(transfer.id).metadata["payout"] == "3"
    listed = client.v1.transfers.list(params={"destination": account.id})
    assert [t.id for t in listed.data] == [transfer.id]
    grouped = client.v1.transfers.list(params={"transfer_group": "campaign-9"})
    assert [t.id for t in grouped.data] == [transfer.id]
    balance = client.v1.balance.retrieve()
    assert [(b.currency, b.amount) for b in balance.available] == [("usd", 3000)]


def test_transfer_to_an_account_that_cannot_receive_is_refused(fake_stripe):
    client = fake_stripe.client()
    account = _express(client)
    _fund(client)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.transfers.create(params={"amount": 100, "currency": "usd",
                                           "destination": account.id})
    assert caught.value.code == "insufficient_capabilities_for_transfer"
    assert "transfers" in caught.value.user_message
    # onboarded, then payouts disabled with a reason: transfers capability inactive again
    fake_stripe.control.set_account(account.id, onboard=True)
    fake_stripe.control.set_account(
        account.id, payouts_enabled=False, capabilities={"transfers": "inactive"},
        disabled_reason="requirements.past_due", currently_due=["external_account"])
    account = client.v1.accounts.retrieve(account.id)
    assert not account.payouts_enabled
    assert account.requirements.disabled_reason == "requirements.past_due"
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.transfers.create(params={"amount": 100, "currency": "usd",
                                           "destination": account.id})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.transfers.create(params={"amount": 100, "currency": "usd",
                                           "destination": "acct_nowhere"})
    assert caught.value.param == "destination"


def test_transfer_above_the_balance_is_refused(fake_stripe):
    client = fake_stripe.client()
    account = _express(client)
    fake_stripe.control.set_account(account.id, onboard=True)
    pi = _fund(client, 1000)
    client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 400})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.transfers.create(params={"amount": 700, "currency": "usd",
                                           "destination": account.id})
    assert caught.value.code == "balance_insufficient"
    ok = client.v1.transfers.create(params={"amount": 600, "currency": "usd",
                                            "destination": account.id})
    assert ok.amount == 600
    assert client.v1.balance.retrieve().available[0].amount == 0


def test_transfer_with_source_transaction(fake_stripe):
    client = fake_stripe.client()
    account = _express(client)
    fake_stripe.control.set_account(account.id, onboard=True)
    pi = _fund(client, 1000)
    transfer = client.v1.transfers.create(params={
        "amount": 800, "currency": "usd", "destination": account.id,
        "source_transaction": pi.latest_charge})
    assert transfer.source_transaction == pi.latest_charge
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.transfers.create(params={
            "amount": 300, "currency": "usd", "destination": account.id,
            "source_transaction": pi.latest_charge})


def test_account_link_validation(stripe_target):
    client = stripe_target.client()
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.account_links.create(params={
            "account": "acct_missing0000000", "type": "account_onboarding",
            "refresh_url": "https://example.org/r", "return_url": "https://example.org/b"})
    assert caught.value.param == "account"


def test_transfer_update(fake_stripe):
    client = fake_stripe.client()
    account = _express(client)
    fake_stripe.control.set_account(account.id, onboard=True)
    _fund(client, 1000)
    transfer = client.v1.transfers.create(params={"amount": 500, "currency": "usd",
                                                  "destination": account.id})
    transfer = client.v1.transfers.update(transfer.id, params={
        "description": "payout 4", "metadata": {"payout": "4"}})
    assert transfer.description == "payout 4" and transfer.metadata["payout"] == "4"
