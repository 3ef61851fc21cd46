"""The fake as a process and its wire format: authentication, request ids, errors, the
command line, and that it runs without Django."""

from __future__ import annotations

import base64
import json
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
import stripe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.payments.fake_stripe.control import ControlError
from marketplace.payments.fake_stripe.process import FakeStripeServer


def test_wrong_key_is_401(stripe_target):
    client = stripe.StripeClient("rk_nope_0000000000", base_addresses=(
        {"api": stripe_target.url} if stripe_target.url else None), max_network_retries=0)
    with pytest.raises(stripe.AuthenticationError) as caught:
        client.v1.customers.list()
    assert caught.value.http_status == 401


def test_request_id_on_every_response(stripe_target):
    client = stripe_target.client()
    customer = client.v1.customers.create()
    assert customer.last_response.request_id.startswith("req_")
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.customers.retrieve("cus_missing")
    assert caught.value.request_id.startswith("req_")
    assert caught.value.request_id != customer.last_response.request_id


def test_stripe_version_header_is_accepted(stripe_target):
    client = stripe_target.client(stripe_version="2025-03-31.basil")
    customer = client.v1.customers.create()
    assert customer.last_response.headers["Stripe-Version"] == "2025-03-31.basil"


def test_unexpandable_field_is_refused_before_any_work(fake_stripe):
    client = fake_stripe.client()
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.customers.create(params={"expand": ["nothing_here"]})
    assert caught.value.param == "expand"
    assert client.v1.customers.list().data == []


def _raw(url: str, body: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=body, headers=headers or {},
                                     method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), json.loads(exc.read())


def test_raw_wire_format_curl_style(fake_stripe):
    """What curl sends (Basic auth, ``expand[]=``, nested keys) decodes as the SDK's
    indexed form does; a missing key and an unknown URL get Stripe's error bodies."""
    url = fake_stripe.url
    status, headers, body = _raw(url + "/v1/customers")
    assert status == 401 and "did not provide an API key" in body["error"]["message"]
    assert headers["Request-Id"].startswith("req_")
    basic = "Basic " + base64.b64encode(b"sk_test_curl:").decode()
    form = (b"amount=1000&currency=usd&payment_method=pm_card_visa&confirm=true"
            b"&metadata[pledge]=4&expand[]=latest_charge&payment_method_types[]=card")
    status, _, body = _raw(url + "/v1/payment_intents", form, {"Authorization": basic})
    assert status == 200 and body["object"] == "payment_intent"
    assert body["latest_charge"]["object"] == "charge"
    assert body["metadata"] == {"pledge": "4"}
    status, _, body = _raw(url + "/v1/nowhere", None, {"Authorization": basic})
    assert status == 404 and "Unrecognized request URL" in body["error"]["message"]


def test_control_api_refuses_bad_input(fake_stripe):
    with pytest.raises(ControlError) as caught:
        fake_stripe.control.inject("explode")
    assert caught.value.status == 400
    with pytest.raises(ControlError) as caught:
        fake_stripe.control.complete_3ds("seti_unknown")
    assert caught.value.status == 404


def test_reset_forgets_everything(fake_stripe):
    client = fake_stripe.client()
    client.v1.customers.create()
    fake_stripe.control.inject("api_error", count=5)
    fake_stripe.control.reset()
    assert client.v1.customers.list().data == []
    state = fake_stripe.control.state()
    assert state["objects"] == {} and state["faults"] == []


def test_process_prints_ready_line_and_stops_on_sigterm():
    server = FakeStripeServer()
    url = server.start()
    assert url.startswith("http://127.0.0.1:")
    assert server.output[0].strip() == f"fake-stripe listening on {url}"
    process = server.process
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0


def test_server_imports_no_django_settings():
    # marketplace/__init__ loads the Celery app, which imports django.conf (lazily, never
    # configured); the fake itself never configures or reads Django settings, and no
    # Django app, model or database module is loaded.
    code = (
        "import sys, marketplace.payments.fake_stripe.__main__, "
        "marketplace.payments.fake_stripe.app as app; app.create_app(); "
        "import django.conf; "
        "print(django.conf.settings.configured, sorted(m for m in sys.modules if "
        "m.startswith(('django.apps', 'django.db', 'marketplace.settings', 'catalog'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.strip() == "False []"


_values = st.recursive(
    st.one_of(st.text(max_size=8), st.integers(-10, 10**6), st.booleans()),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(["a", "requested", "gte", "0"]),
                                            inner, max_size=3)),
    max_leaves=6,
)
_PARAMS = ["amount", "currency", "customer", "payment_method", "confirm", "off_session",
           "capture_method", "metadata", "expand", "limit", "created", "email", "type",
           "capabilities", "destination", "enabled_events", "url", "starting_after"]
_CALLS = [
    ("payment_intents", "create"), ("payment_intents", "list"), ("customers", "create"),
    ("customers", "list"), ("setup_intents", "create"), ("refunds", "create"),
    ("accounts", "create"), ("transfers", "create"), ("events", "list"),
    ("webhook_endpoints", "create"),
]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(call=st.sampled_from(_CALLS),
       params=st.dictionaries(st.sampled_from(_PARAMS), _values, max_size=5))
def test_arbitrary_parameters_never_cause_a_500(fake_stripe, call, params):
    service, method = call
    client = fake_stripe.client()
    try:
        getattr(getattr(client.v1, service), method)(params=params)
    except stripe.StripeError as exc:
        assert exc.http_status is not None and 400 <= exc.http_status < 500, exc


_ID_CALLS = [
    ("payment_intents", "update"), ("payment_intents", "confirm"),
    ("payment_intents", "capture"), ("payment_intents", "cancel"),
    ("setup_intents", "confirm"), ("customers", "update"), ("accounts", "update"),
    ("payment_methods", "attach"), ("webhook_endpoints", "update"),
]


def _object_for(client, service: str) -> str:
    if service == "payment_intents":
        return client.v1.payment_intents.create(params={
            "amount": 1000, "currency": "usd", "payment_method": "pm_card_visa",
            "capture_method": "manual", "confirm": True}).id
    if service == "setup_intents":
        return client.v1.setup_intents.create().id
    if service == "customers":
        return client.v1.customers.create().id
    if service == "accounts":
        return client.v1.accounts.create(params={"type": "express"}).id
    if service == "payment_methods":
        return "pm_card_visa"
    return client.v1.webhook_endpoints.create(params={
        "url": "https://example.org/hook", "enabled_events": ["*"]}).id


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(call=st.sampled_from(_ID_CALLS),
       params=st.dictionaries(st.sampled_from(_PARAMS + ["amount_to_capture", "description",
                                                         "cancellation_reason"]),
                              _values, max_size=4))
def test_arbitrary_parameters_on_existing_objects_never_cause_a_500(fake_stripe, call,
                                                                    params):
    service, method = call
    client = fake_stripe.client()
    object_id = _object_for(client, service)
    try:
        getattr(getattr(client.v1, service), method)(object_id, params=params)
    except stripe.StripeError as exc:
        assert exc.http_status is not None and 400 <= exc.http_status < 500, exc
