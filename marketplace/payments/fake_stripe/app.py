"""The aiohttp application: Stripe's request pipeline around the resource handlers.

For every ``/v1/`` request, in this order: request id; API key (401); rate limit (429);
injected fault (429/500 before any work; hang; drop); parameters; idempotency (replay,
400 mismatch, 409 in flight); the handler; ``expand[]``; the saved idempotent result.
``/_fake/`` (control API) and ``/fake/`` (3-D Secure and onboarding pages) skip the
Stripe pipeline.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import json
import logging
from dataclasses import dataclass, field

from aiohttp import web

# Importing the resource modules registers their routes on the router.
from . import (  # noqa: F401
    charges,
    connect,
    customers,
    errors,
    events,
    expand,
    payment_intents,
    setup_intents,
)
from . import params as P
from .faults import Faults, TokenBucket
from .idempotency import IdempotencyStore
from .routing import Ctx, router
from .store import RequestContext, Store, new_id
from .webhooks import Dispatcher, Settings

log = logging.getLogger("fake_stripe")
# Stored objects are plain JSON-shaped dicts that live until a reset; moving them out of
# the cyclic collector's reach every so often keeps full collections from rescanning a
# state of hundreds of thousands of objects (reference counting still frees them).
GC_FREEZE_EVERY = 10_000
JSON_HEADERS = {"Content-Type": "application/json", "Cache-Control": "no-cache, no-store"}
_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


@dataclass
class Options:
    rate_limit: float | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhooks: Settings = field(default_factory=Settings)


class FakeStripe:
    """All state of one fake server; ``reset()`` returns it to the start-up state."""

    def __init__(self, options: Options | None = None) -> None:
        self.options = options or Options()
        self.base_url = "http://127.0.0.1"
        self.dispatcher = Dispatcher(self.options.webhooks, self.options.webhook_url,
                                     self.options.webhook_secret)
        self.bucket = TokenBucket(self.options.rate_limit)
        self.requests = 0
        self._new_state()

    def _new_state(self) -> None:
        self.store = Store()
        self.store.on_event = self._on_event
        self.ctx = Ctx(self.store, self.base_url)
        self.idempotency = IdempotencyStore()
        self.faults = Faults()

    def reset(self) -> None:
        self._new_state()
        self.dispatcher.reset()
        self.bucket.configure(self.options.rate_limit)

    def set_base_url(self, url: str) -> None:
        self.base_url = url
        self.ctx.base_url = url

    def _on_event(self, event: dict) -> None:
        self.dispatcher.enqueue(event, events.endpoints_for(self.ctx, event["type"]))


def _json(status: int, body: dict, headers: dict[str, str]) -> web.Response:
    return web.Response(body=_dumps(body).encode(), status=status,
                        headers={**JSON_HEADERS, **headers})


def _error(exc: errors.StripeError, headers: dict[str, str]) -> web.Response:
    return _json(exc.status, exc.body(), {**headers, **exc.headers})


def _api_key(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(value).decode().partition(":")[0]
        except (ValueError, UnicodeDecodeError):
            return None
    return None


def _check_key(request: web.Request) -> None:
    key = _api_key(request)
    if not key:
        raise errors.authentication(
            "You did not provide an API key. You need to provide your API key in the "
            "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
            "YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, "
            "or we can help at https://support.stripe.com/."
        )
    if not key.startswith("sk_test_") or len(key) <= len("sk_test_"):
        shown = key[:8] + "*" * max(0, len(key) - 12) + key[-4:] if len(key) > 12 else key
        raise errors.authentication(f"Invalid API Key provided: {shown}")


async def _params(request: web.Request) -> dict:
    if request.method == "POST":
        body = await request.read()
        raw = body.decode("utf-8", errors="replace") if body else request.query_string
    else:
        raw = request.query_string
    return P.decode(raw)


async def api(request: web.Request) -> web.StreamResponse:
    fake: FakeStripe = request.app["fake"]
    fake.requests += 1
    if fake.requests % GC_FREEZE_EVERY == 0:
        gc.freeze()
    request_id = new_id("req", 14)
    headers = {"Request-Id": request_id,
               "Stripe-Version": request.headers.get("Stripe-Version",
                                                     fake.store.default_api_version)}
    method, path = request.method, request.path
    try:
        _check_key(request)
        if not fake.bucket.allow():
            raise errors.rate_limited()
        fault = fake.faults.take(method, path)
        if fault is not None and fault.kind == "rate_limit":
            raise errors.rate_limited()
        if fault is not None and fault.kind == "api_error":
            raise errors.api_error()
        found = router.match(method, path)
        if found is None:
            raise errors.StripeError(
                f"Unrecognized request URL ({method}: {path}). Please see "
                "https://stripe.com/docs or we can help at https://support.stripe.com/.",
                status=404,
            )
        params = await _params(request)
    except errors.StripeError as exc:
        return _error(exc, headers)
    key = request.headers.get("Idempotency-Key") if method == "POST" else None
    if key:
        headers["Idempotency-Key"] = key
        try:
            saved = fake.idempotency.begin(key, f"{method} {path}", params,
                                           fake.store.clock.time(), request_id)
        except errors.StripeError as exc:
            return _error(exc, headers)
        if saved is not None:
            replay = {**JSON_HEADERS, **headers, "Idempotent-Replayed": "true",
                      "Original-Request": saved.request_id}
            return web.Response(body=saved.body, status=saved.status, headers=replay)
    if fault is not None and fault.kind == "hang":
        try:
            await asyncio.sleep(fault.seconds)
        except asyncio.CancelledError:
            if key:
                fake.idempotency.abandon(key)
            raise
    status, body, store_it = _execute(fake, found, params, method, path, request_id, key)
    if key:
        if store_it:
            fake.idempotency.finish(key, status, body)
        else:
            fake.idempotency.abandon(key)
    if fault is not None and fault.kind == "drop":
        # The work is done and saved; the client never hears of it.
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=204)
    return web.Response(body=body, status=status, headers={**JSON_HEADERS, **headers})


def _execute(fake: FakeStripe, found, params: dict, method: str, path: str,
             request_id: str, key: str | None) -> tuple[int, bytes, bool]:
    """Run a handler synchronously; return (status, body, whether to save it for key)."""
    handler, ids = found
    store = fake.store
    store.request = RequestContext(request_id, key, None)
    expand_paths = params.pop("expand", None)
    try:
        if method == "POST":
            expand.precheck(path, expand_paths)
        result = handler(fake.ctx, params, *ids)
        if expand_paths:
            result = expand.expand_all(result, expand_paths, store.objects)
        return 200, _dumps(result).encode(), True
    except errors.ParamError as exc:
        return exc.status, _dumps(exc.body()).encode(), False
    except errors.StripeError as exc:
        return exc.status, _dumps(exc.body()).encode(), True
    except Exception:  # a bug in the fake: answer like Stripe's 500, never save it
        log.exception("handler failed: %s %s", method, path)
        body = errors.StripeError("An unknown error occurred in fake-stripe.", status=500,
                                  type="api_error").body()
        return 500, _dumps(body).encode(), False
    finally:
        store.request = RequestContext()


def create_app(options: Options | None = None) -> web.Application:
    from . import control_api, pages

    app = web.Application(client_max_size=1024 * 1024)
    fake = FakeStripe(options)
    app["fake"] = fake
    control_api.register(app)
    pages.register(app)
    app.router.add_route("*", "/v1/{tail:.*}", api)

    async def on_startup(app: web.Application) -> None:
        await fake.dispatcher.start()

    async def on_cleanup(app: web.Application) -> None:
        await fake.dispatcher.stop()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app
