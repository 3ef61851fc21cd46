"""Fixtures for talking to the fake Stripe server (a real separate process) and, when a
real test key is set, to Stripe's test mode.

Reusable from other test packages: import the fixtures in their conftest
(``from tests.payments.conftest import fake_stripe, fake_stripe_server  # noqa: F401``).

* ``fake_stripe_server`` (session): one fake process per test worker, on a free port.
* ``fake_stripe`` (function): the same server, reset before the test; ``.url``,
  ``.control`` (``FakeStripeControl``), ``.client(max_network_retries=0, timeout=10)``.
* ``stripe_target`` (function, parametrised ``fake`` / ``stripe``): for tests that need
  no control API; the ``stripe`` case skips unless ``STRIPE_SECRET_KEY`` is a real
  ``sk_test_`` key and api.stripe.com answers.
* ``webhook_receiver``: a local HTTP server recording what it receives.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe

from marketplace.payments.fake_stripe.control import FakeStripeControl
from marketplace.payments.fake_stripe.process import FakeStripeServer

REAL_STRIPE_SKIP = "needs a real Stripe test key (STRIPE_SECRET_KEY=sk_test_...) and network"


def wait_until(predicate: Callable[[], object], timeout: float = 30.0,
               interval: float = 0.05, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout``
    (generous: the machine may be busy). No test asserts how long this took."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(interval)


@dataclass
class StripeTarget:
    """Where a test sends its SDK calls: the fake, or Stripe's test mode."""

    name: str
    api_key: str
    url: str | None = None
    control: FakeStripeControl | None = None

    @property
    def is_fake(self) -> bool:
        return self.name == "fake"

    def client(self, *, max_network_retries: int = 0, timeout: float = 10.0,
               **kwargs) -> stripe.StripeClient:
        options: dict = {"max_network_retries": max_network_retries,
                         "http_client": stripe.RequestsClient(timeout=timeout), **kwargs}
        if self.url:
            options["base_addresses"] = {"api": self.url}
        return stripe.StripeClient(self.api_key, **options)


@pytest.fixture(scope="session")
def fake_stripe_server() -> Iterator[FakeStripeServer]:
    server = FakeStripeServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake_stripe(fake_stripe_server: FakeStripeServer) -> StripeTarget:
    control = fake_stripe_server.control
    control.reset()
    return StripeTarget("fake", "sk_test_fake_stripe", fake_stripe_server.url, control)


_real_stripe_reachable: bool | None = None


def _real_stripe_available() -> bool:
    global _real_stripe_reachable
    key = os.environ.get("STRIPE_SECRET_KEY", "")
    if not key.startswith("sk_test_") or len(key) < 20:
        return False
    if _real_stripe_reachable is None:
        try:
            with socket.create_connection(("api.stripe.com", 443), timeout=3):
                _real_stripe_reachable = True
        except OSError:
            _real_stripe_reachable = False
    return _real_stripe_reachable


@pytest.fixture(params=["fake", "stripe"])
def stripe_target(request) -> StripeTarget:
    if request.param == "fake":
        return request.getfixturevalue("fake_stripe")
    if not _real_stripe_available():
        pytest.skip(REAL_STRIPE_SKIP)
    return StripeTarget("stripe", os.environ["STRIPE_SECRET_KEY"])


@dataclass
class Received:
    body: bytes
    headers: dict[str, str]

    @property
    def event(self) -> dict:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    url: str
    received: list[Received] = field(default_factory=list)
    # answer these statuses first (one per request), then 200
    script: list[int] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)
    # paths of GET requests (a return_url that the fake's pages redirect to)
    visits: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def events(self) -> list[dict]:
        with self.lock:
            return [r.event for r in self.received]

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        wait_until(lambda: len(self.received) >= count, timeout,
                   what=f"{count} webhook deliveries (got {len(self.received)})")
        with self.lock:
            return list(self.received)


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with receiver.lock:
                status = receiver.script.pop(0) if receiver.script else 200
                receiver.answered.append(status)
                if status == 200:
                    receiver.received.append(Received(body, dict(self.headers.items())))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:  # noqa: N802
            with receiver.lock:
                receiver.visits.append(self.path)
            body = b"<p>back at the shop</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/webhooks/stripe"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()


# --- the app's side: payments services talking to the fake ---------------------------


@pytest.fixture
def payments_stripe(settings, fake_stripe: StripeTarget) -> StripeTarget:
    """The app's Stripe provider pointed at the (reset) fake, with a webhook secret and
    short retry waits (retries still happen; no test asserts how long they took)."""
    settings.STRIPE_SECRET_KEY = fake_stripe.api_key
    settings.STRIPE_API_BASE = fake_stripe.url
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_payments_endpoint"
    settings.PAYMENTS_GATEWAY_RETRY_BASE_SECONDS = 0.01
    return fake_stripe


@pytest.fixture
def webhook_endpoint(settings, payments_stripe: StripeTarget, webhook_receiver):
    """A webhook endpoint at the fake delivering every event to ``webhook_receiver``; the
    app verifies with its secret. Returns the receiver."""
    endpoint = payments_stripe.client().v1.webhook_endpoints.create(params={
        "url": webhook_receiver.url, "enabled_events": ["*"]})
    settings.STRIPE_WEBHOOK_SECRET = endpoint.secret
    return webhook_receiver


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """``with after_commit():`` runs the block's on-commit work (outbox deliveries, eager
    tasks) at its end, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def english(settings):
    """English in the test and in the requests it makes (the site's default is zh-hans)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
