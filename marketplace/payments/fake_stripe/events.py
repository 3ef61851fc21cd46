"""Events (``/v1/events``) and webhook endpoints (``/v1/webhook_endpoints``)."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from . import errors
from . import params as P
from .routing import Ctx, router
from .store import new_id

EVENT_TYPES = frozenset(
    [
        "account.updated", "charge.captured", "charge.failed", "charge.refunded",
        "charge.succeeded", "customer.created", "customer.updated",
        "payment_intent.amount_capturable_updated", "payment_intent.canceled",
        "payment_intent.created", "payment_intent.payment_failed",
        "payment_intent.requires_action", "payment_intent.succeeded",
        "payment_intent.updated", "payment_method.attached", "payment_method.detached",
        "payment_method.updated", "refund.created", "refund.updated",
        "setup_intent.canceled", "setup_intent.created", "setup_intent.requires_action",
        "setup_intent.setup_failed", "setup_intent.succeeded", "transfer.created",
        "transfer.updated"
    ]
)
ENDPOINT_FIELDS = frozenset(
    {"url", "enabled_events", "description", "metadata", "api_version", "connect",
     "disabled"}
)


@router.get("/v1/events/*")
def event_retrieve(ctx: Ctx, p: dict, event_id: str) -> dict:
    return ctx.store.get(event_id, "event", "event")


@router.get("/v1/events")
def event_list(ctx: Ctx, p: dict) -> dict:
    P.check_known(p, {"limit", "starting_after", "ending_before", "created", "type",
                      "delivery_success"})
    event_type = P.string(p, "type")
    name = "events"
    if event_type:
        # "payment_intent.*" lists every payment_intent event, as Stripe's wildcard does.
        name = "events:" + (event_type[:-2] if event_type.endswith(".*") else event_type)
    return ctx.store.list_object(name, p, "/v1/events", "event")


def _url(p: dict, required: bool) -> str | None:
    url = P.string(p, "url", required=required)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise errors.invalid("url", f"Invalid URL: {url}", code="url_invalid")
    return url


def _enabled_events(p: dict, required: bool) -> list[str] | None:
    events = P.string_list(p, "enabled_events")
    if events is None:
        if required:
            raise errors.missing("enabled_events")
        return None
    for i, name in enumerate(events):
        if name != "*" and name not in EVENT_TYPES:
            raise errors.invalid(
                f"enabled_events[{i}]",
                f"Invalid enabled_events[{i}]: must be one of " + ", ".join(
                    ["*", *sorted(EVENT_TYPES)]),
            )
    return events


@router.post("/v1/webhook_endpoints")
def webhook_endpoint_create(ctx: Ctx, p: dict) -> dict:
    P.check_known(p, ENDPOINT_FIELDS - {"disabled"})
    store = ctx.store
    endpoint = {
        "id": new_id("we"),
        "object": "webhook_endpoint",
        "api_version": P.string(p, "api_version"),
        "application": None,
        "created": store.clock.now(),
        "description": P.string(p, "description"),
        "enabled_events": _enabled_events(p, required=True),
        "livemode": False,
        "metadata": P.metadata(p),
        "status": "enabled",
        "url": _url(p, required=True),
    }
    secret = "whsec_" + secrets.token_hex(16)
    store.add(endpoint, "webhook_endpoints")
    store.meta[endpoint["id"]] = {"secret": secret, "connect": P.boolean(p, "connect", False)}
    # Stripe shows the signing secret only in the creation response.
    return {**endpoint, "secret": secret}


@router.get("/v1/webhook_endpoints/*")
def webhook_endpoint_retrieve(ctx: Ctx, p: dict, endpoint_id: str) -> dict:
    return ctx.store.get(endpoint_id, "webhook_endpoint", "webhook_endpoint")


@router.post("/v1/webhook_endpoints/*")
def webhook_endpoint_update(ctx: Ctx, p: dict, endpoint_id: str) -> dict:
    P.check_known(p, ENDPOINT_FIELDS - {"connect", "api_version"})
    endpoint = ctx.store.get(endpoint_id, "webhook_endpoint", "webhook_endpoint")
    url = _url(p, required=False)
    events = _enabled_events(p, required=False)
    disabled = P.boolean(p, "disabled")
    metadata = P.metadata(p, endpoint["metadata"])
    if url:
        endpoint["url"] = url
    if events is not None:
        endpoint["enabled_events"] = events
    if disabled is not None:
        endpoint["status"] = "disabled" if disabled else "enabled"
    if "description" in p:
        endpoint["description"] = P.string(p, "description") or None
    endpoint["metadata"] = metadata
    return endpoint


@router.delete("/v1/webhook_endpoints/*")
def webhook_endpoint_delete(ctx: Ctx, p: dict, endpoint_id: str) -> dict:
    store = ctx.store
    store.get(endpoint_id, "webhook_endpoint", "webhook_endpoint")
    store.index("webhook_endpoints").remove(endpoint_id)
    del store.objects[endpoint_id]
    store.meta.pop(endpoint_id, None)
    return {"id": endpoint_id, "object": "webhook_endpoint", "deleted": True}


@router.get("/v1/webhook_endpoints")
def webhook_endpoint_list(ctx: Ctx, p: dict) -> dict:
    P.check_known(p, {"limit", "starting_after", "ending_before"})
    return ctx.store.list_object("webhook_endpoints", p, "/v1/webhook_endpoints",
                                 "webhook_endpoint")


def endpoints_for(ctx: Ctx, event_type: str) -> list[tuple[str, str, str]]:
    """(endpoint id, url, secret) of each enabled endpoint subscribed to ``event_type``."""
    store = ctx.store
    found = []
    for endpoint_id in store.index("webhook_endpoints").ids:
        endpoint = store.objects[endpoint_id]
        if endpoint["status"] != "enabled":
            continue
        enabled = endpoint["enabled_events"]
        if "*" in enabled or event_type in enabled:
            found.append((endpoint_id, endpoint["url"], store.meta[endpoint_id]["secret"]))
    return found
