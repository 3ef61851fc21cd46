"""The control API under ``/_fake/`` (JSON in, JSON out, no authentication).

Documented in docs/fake_stripe.md; ``control.FakeStripeControl`` is its Python client.
"""

from __future__ import annotations

import dataclasses
import json

from aiohttp import web

from . import connect, errors, faults, pages


def _ok(data: dict | list, status: int = 200) -> web.Response:
    return web.json_response(data, status=status)


async def _body(request: web.Request) -> dict:
    raw = await request.read()
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise web.HTTPBadRequest(text='{"error": "body must be JSON"}',
                                 content_type="application/json") from None
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text='{"error": "body must be a JSON object"}',
                                 content_type="application/json")
    return data


def _fail(exc: errors.StripeError, status: int = 400) -> web.Response:
    return _ok({"error": exc.message, "param": exc.param}, status)


def _fake(request: web.Request):
    return request.app["fake"]


async def health(request: web.Request) -> web.Response:
    return _ok({"ok": True, "url": _fake(request).base_url})


async def reset(request: web.Request) -> web.Response:
    _fake(request).reset()
    return _ok({"ok": True})


async def state(request: web.Request) -> web.Response:
    fake = _fake(request)
    counts: dict[str, int] = {}
    for obj in fake.store.objects.values():
        counts[obj["object"]] = counts.get(obj["object"], 0) + 1
    return _ok({
        "objects": counts,
        "requests": fake.requests,
        "idempotency_keys": len(fake.idempotency),
        "balance": fake.store.available,
        "clock": {"now": fake.store.clock.now(), "offset_seconds": fake.store.clock.offset},
        "rate_limit": fake.bucket.describe(),
        "faults": fake.faults.describe(),
    })


async def faults_add(request: web.Request) -> web.Response:
    try:
        rule = faults.parse_fault(await _body(request))
    except errors.StripeError as exc:
        return _fail(exc)
    _fake(request).faults.rules.append(rule)
    return _ok({"fault": dataclasses.asdict(rule)}, 201)


async def faults_list(request: web.Request) -> web.Response:
    return _ok({"faults": _fake(request).faults.describe()})


async def faults_clear(request: web.Request) -> web.Response:
    _fake(request).faults.rules.clear()
    return _ok({"ok": True})


async def rate_limit(request: web.Request) -> web.Response:
    data = await _body(request)
    try:
        per_second = data.get("per_second")
        burst = data.get("burst")
        _fake(request).bucket.configure(
            float(per_second) if per_second is not None else None,
            float(burst) if burst is not None else None,
        )
    except (TypeError, ValueError):
        return _ok({"error": "per_second and burst must be numbers or null"}, 400)
    return _ok(_fake(request).bucket.describe())


async def ledger(request: web.Request) -> web.Response:
    """Every successful charge; ``?metadata[key]=value`` and ``?customer=`` filter."""
    entries = _fake(request).store.ledger
    wanted = {k[len("metadata["):-1]: v for k, v in request.query.items()
              if k.startswith("metadata[") and k.endswith("]")}
    customer = request.query.get("customer")
    chosen = [
        e for e in entries
        if all(e["metadata"].get(k) == v for k, v in wanted.items())
        and (customer is None or e["customer"] == customer)
    ]
    totals: dict[str, dict[str, int]] = {}
    for entry in chosen:
        t = totals.setdefault(entry["currency"], {"count": 0, "amount_captured": 0,
                                                  "amount_refunded": 0})
        t["count"] += 1
        t["amount_captured"] += entry["amount_captured"]
        t["amount_refunded"] += entry["amount_refunded"]
    return _ok({"charges": chosen, "count": len(chosen), "totals": totals})


async def clock(request: web.Request) -> web.Response:
    fake = _fake(request)
    if request.method == "POST":
        data = await _body(request)
        try:
            if "advance_seconds" in data:
                fake.store.clock.offset += float(data["advance_seconds"])
            elif "offset_seconds" in data:
                fake.store.clock.offset = float(data["offset_seconds"])
        except (TypeError, ValueError):
            return _ok({"error": "seconds must be numbers"}, 400)
    return _ok({"now": fake.store.clock.now(), "offset_seconds": fake.store.clock.offset})


async def three_d_secure(request: web.Request) -> web.Response:
    fake = _fake(request)
    data = await _body(request)
    outcome = data.get("outcome", "complete")
    if outcome not in ("complete", "fail"):
        return _ok({"error": "outcome must be complete or fail"}, 400)
    intent = fake.store.objects.get(request.match_info["intent"])
    if intent is None or intent.get("object") not in ("setup_intent", "payment_intent"):
        return _ok({"error": "no such intent"}, 404)
    try:
        pages.authenticate(fake, intent, outcome == "complete")
    except errors.StripeError as exc:
        return _fail(exc, 409)
    return _ok(intent)


async def account_state(request: web.Request) -> web.Response:
    fake = _fake(request)
    account = fake.store.objects.get(request.match_info["account"])
    if account is None or account.get("object") != "account":
        return _ok({"error": "no such account"}, 404)
    data = await _body(request)
    try:
        if data.pop("onboard", False):
            connect.onboard(fake.ctx, account)
        if data:
            connect.set_state(fake.ctx, account, data)
    except errors.StripeError as exc:
        return _fail(exc)
    return _ok(account)


async def deliveries(request: web.Request) -> web.Response:
    fake = _fake(request)
    event = request.query.get("event")
    found = [d.describe() for d in fake.dispatcher.deliveries
             if event is None or d.event["id"] == event]
    return _ok({"deliveries": found})


async def webhook_settings(request: web.Request) -> web.Response:
    fake = _fake(request)
    if request.method == "POST":
        try:
            fake.dispatcher.configure(await _body(request))
        except (TypeError, ValueError):
            return _ok({"error": "invalid webhook settings"}, 400)
    return _ok(vars(fake.dispatcher.settings))


async def in_flight(request: web.Request) -> web.Response:
    return _ok({"keys": _fake(request).idempotency.in_flight()})


def register(app: web.Application) -> None:
    r = app.router
    r.add_get("/_fake/health", health)
    r.add_post("/_fake/reset", reset)
    r.add_get("/_fake/state", state)
    r.add_post("/_fake/faults", faults_add)
    r.add_get("/_fake/faults", faults_list)
    r.add_delete("/_fake/faults", faults_clear)
    r.add_post("/_fake/rate_limit", rate_limit)
    r.add_get("/_fake/ledger", ledger)
    r.add_get("/_fake/clock", clock)
    r.add_post("/_fake/clock", clock)
    r.add_post("/_fake/3ds/{intent}", three_d_secure)
    r.add_post("/_fake/accounts/{account}", account_state)
    r.add_get("/_fake/webhooks/deliveries", deliveries)
    r.add_get("/_fake/webhooks/settings", webhook_settings)
    r.add_post("/_fake/webhooks/settings", webhook_settings)
    r.add_get("/_fake/idempotency/in_flight", in_flight)
