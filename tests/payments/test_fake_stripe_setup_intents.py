"""Setup intents through the SDK, every test card at setup, and the 3-D Secure page driven
with urllib (GET the page, POST its buttons, follow the redirect to the return_url)."""

from __future__ import annotations

import re
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
import stripe


def _customer(client):
    return client.v1.customers.create(params={"email": "saver@example.org"})


def _setup(client, customer, card, **params):
    return client.v1.setup_intents.create(params={
        "customer": customer.id, "payment_method": card, "confirm": True,
        "usage": "off_session", "payment_method_types": ["card"], **params})


@pytest.mark.parametrize("card", ["pm_card_visa", "pm_card_mastercard"])
def test_good_cards_set_up_and_attach(stripe_target, card):
    client = stripe_target.client()
    customer = _customer(client)
    si = _setup(client, customer, card, metadata={"pledge": "3"})
    assert isinstance(si, stripe.SetupIntent)
    assert si.id.startswith("seti_") and si.status == "succeeded"
    assert si.usage == "off_session" and si.metadata["pledge"] == "3"
    pm = client.v1.payment_methods.retrieve(si.payment_method)
    assert pm.customer == customer.id
    listed = client.v1.customers.payment_methods.list(customer.id)
    assert [p.id for p in listed.data] == [pm.id]


@pytest.mark.parametrize(
    ("card", "code", "decline_code"),
    [
        ("pm_card_chargeDeclined", "card_declined", "generic_decline"),
        ("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", None),
    ],
)
def test_declined_cards_fail_at_setup(stripe_target, card, code, decline_code):
    client = stripe_target.client()
    customer = _customer(client)
    with pytest.raises(stripe.CardError) as caught:
        _setup(client, customer, card)
    assert caught.value.code == code
    assert caught.value.error.decline_code == decline_code
    si = caught.value.error.setup_intent
    assert si.status == "requires_payment_method"
    assert si.last_setup_error.code == code
    assert client.v1.customers.payment_methods.list(customer.id).data == []


@pytest.mark.parametrize("card", ["pm_card_authenticationRequired",
                                  "pm_card_authenticationRequiredSetupForOffSession"])
def test_authentication_cards_require_action_at_setup(stripe_target, card):
    client = stripe_target.client()
    customer = _customer(client)
    si = _setup(client, customer, card, return_url="https://shop.example.org/saved")
    assert si.status == "requires_action"
    assert si.next_action.type == "redirect_to_url"
    assert si.next_action.redirect_to_url.url.startswith("http")


def test_without_return_url_next_action_is_use_stripe_sdk(fake_stripe):
    client = fake_stripe.client()
    si = _setup(client, _customer(client), "pm_card_authenticationRequired")
    assert si.next_action.type == "use_stripe_sdk"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return response.read().decode()


def _press(page_url: str, html: str, label: str) -> tuple[str, str]:
    """POST the form of the button labelled ``label``; follow the redirect. Returns the
    final URL and body."""
    forms = re.findall(r'<form method="post" action="([^"]+)"><button type="submit">([^<]+)',
                       html)
    action = {text: href for href, text in forms}[label].replace("&amp;", "&")
    parts = urlsplit(page_url)
    request = urllib.request.Request(f"{parts.scheme}://{parts.netloc}{action}", data=b"",
                                     method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.geturl(), response.read().decode()


def test_3ds_page_complete_redirects_to_return_url(fake_stripe, webhook_receiver):
    client = fake_stripe.client()
    customer = _customer(client)
    return_url = webhook_receiver.url.replace("/webhooks/stripe", "/saved?order=5")
    si = _setup(client, customer, "pm_card_authenticationRequiredSetupForOffSession",
                return_url=return_url)
    page_url = si.next_action.redirect_to_url.url
    html = _page(page_url)
    assert "Complete" in html and "Fail" in html
    final_url, _ = _press(page_url, html, "Complete")
    query = parse_qs(urlsplit(final_url).query)
    assert urlsplit(final_url).path == "/saved"
    assert query["order"] == ["5"]
    assert query["setup_intent"] == [si.id]
    assert query["setup_intent_client_secret"] == [si.client_secret]
    assert query["redirect_status"] == ["succeeded"]
    assert webhook_receiver.visits and webhook_receiver.visits[0].startswith("/saved?")
    si = client.v1.setup_intents.retrieve(si.id)
    assert si.status == "succeeded"
    assert client.v1.payment_methods.retrieve(si.payment_method).customer == customer.id


def test_3ds_page_fail(fake_stripe, webhook_receiver):
    client = fake_stripe.client()
    return_url = webhook_receiver.url.replace("/webhooks/stripe", "/saved")
    si = _setup(client, _customer(client), "pm_card_authenticationRequired",
                return_url=return_url)
    page_url = si.next_action.redirect_to_url.url
    final_url, _ = _press(page_url, _page(page_url), "Fail")
    assert parse_qs(urlsplit(final_url).query)["redirect_status"] == ["failed"]
    si = client.v1.setup_intents.retrieve(si.id)
    assert si.status == "requires_payment_method"
    assert si.last_setup_error.code == "setup_intent_authentication_failure"


def test_3ds_page_for_a_payment_intent(fake_stripe, webhook_receiver):
    client = fake_stripe.client()
    return_url = webhook_receiver.url.replace("/webhooks/stripe", "/paid")
    pi = client.v1.payment_intents.create(params={
        "amount": 1500, "currency": "eur", "payment_method": "pm_card_authenticationRequired",
        "confirm": True, "capture_method": "manual", "return_url": return_url})
    page_url = pi.next_action.redirect_to_url.url
    html = _page(page_url)
    assert "1500 eur" in html
    final_url, _ = _press(page_url, html, "Complete")
    query = parse_qs(urlsplit(final_url).query)
    assert query["payment_intent"] == [pi.id]
    assert query["payment_intent_client_secret"] == [pi.client_secret]
    pi = client.v1.payment_intents.retrieve(pi.id)
    assert pi.status == "requires_capture"
    # the page of an intent that no longer waits says so
    with pytest.raises(urllib.error.HTTPError) as caught:
        _page(page_url)
    assert caught.value.code == 409


def test_control_api_completes_and_fails_3ds(fake_stripe):
    client = fake_stripe.client()
    customer = _customer(client)
    ok = _setup(client, customer, "pm_card_authenticationRequired")
    assert fake_stripe.control.complete_3ds(ok.id)["status"] == "succeeded"
    failed = _setup(client, customer, "pm_card_authenticationRequired")
    assert fake_stripe.control.fail_3ds(failed.id)["status"] == "requires_payment_method"


def test_create_confirm_cancel(stripe_target):
    client = stripe_target.client()
    customer = _customer(client)
    si = client.v1.setup_intents.create(params={"customer": customer.id})
    assert si.status == "requires_payment_method"
    si = client.v1.setup_intents.confirm(si.id, params={"payment_method": "pm_card_visa"})
    assert si.status == "succeeded"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.setup_intents.cancel(si.id)
    assert caught.value.code == "setup_intent_unexpected_state"
    pending = client.v1.setup_intents.create(params={"customer": customer.id})
    canceled = client.v1.setup_intents.cancel(
        pending.id, params={"cancellation_reason": "abandoned"})
    assert canceled.status == "canceled" and canceled.cancellation_reason == "abandoned"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.setup_intents.retrieve("seti_missing")
    assert caught.value.http_status == 404


def test_payment_method_of_another_customer_is_refused(stripe_target):
    client = stripe_target.client()
    owner, other = _customer(client), _customer(client)
    pm = client.v1.payment_methods.attach("pm_card_visa", params={"customer": owner.id})
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.setup_intents.create(params={
            "customer": other.id, "payment_method": pm.id, "confirm": True})


def test_update_and_list_by_customer(fake_stripe):
    client = fake_stripe.client()
    customer = _customer(client)
    si = client.v1.setup_intents.create(params={"customer": customer.id})
    client.v1.setup_intents.create()
    si = client.v1.setup_intents.update(si.id, params={
        "payment_method": "pm_card_visa", "metadata": {"pledge": "8"}})
    assert si.status == "requires_confirmation" and si.metadata["pledge"] == "8"
    listed = client.v1.setup_intents.list(params={"customer": customer.id})
    assert [s.id for s in listed.data] == [si.id]
    assert len(client.v1.setup_intents.list().data) == 2
