"""Setup intents (``/v1/setup_intents``): save a card for later off-session payments.

Statuses: requires_payment_method -> requires_confirmation -> (requires_action) ->
succeeded | canceled. A success attaches the payment method to the customer and marks it
set up, which is what lets ``pm_card_authenticationRequiredOnSetup`` pay off-session
later without authentication.
"""

from __future__ import annotations

from . import customers, errors, intents
from . import params as P
from .routing import Ctx, router
from .store import new_id

CREATE_FIELDS = frozenset(
    {"customer", "payment_method", "confirm", "usage", "return_url", "payment_method_types",
     "metadata", "description", "automatic_payment_methods", "payment_method_options",
     "on_behalf_of", "mandate_data", "use_stripe_sdk", "single_use", "flow_directions"}
)
CONFIRM_FIELDS = frozenset(
    {"payment_method", "return_url", "mandate_data", "payment_method_options",
     "use_stripe_sdk"}
)
CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
CANCELABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
AUTH_FAILED = (
    "The latest attempt to set up the payment method has failed because authentication "
    "failed."
)


def _state_error(si: dict, verb: str, allowed: tuple[str, ...]) -> errors.StripeError:
    return errors.StripeError(
        f"You cannot {verb} this SetupIntent because it has a status of {si['status']}. "
        f"Only a SetupIntent with one of the following statuses may be {verb}ed: "
        + ", ".join(allowed) + ".",
        code="setup_intent_unexpected_state",
        extra={"setup_intent": si},
    )


@router.post("/v1/setup_intents")
def setup_intent_create(ctx: Ctx, p: dict) -> dict:
    P.check_known(p, CREATE_FIELDS)
    store = ctx.store
    customer_id = intents.customer_of(ctx, p)
    confirm = P.boolean(p, "confirm", False)
    usage = P.choice(p, "usage", ("on_session", "off_session"), "off_session")
    types = P.string_list(p, "payment_method_types") or ["card"]
    for kind in types:
        if kind != "card":
            raise errors.invalid(
                "payment_method_types", f"The payment method type \"{kind}\" is invalid. "
                "The fake supports only card.", code="payment_method_invalid_parameter",
            )
    return_url = intents.return_url_of(p)
    if return_url and not confirm:
        raise errors.invalid(
            "return_url", "You can only pass return_url when confirm=true.",
            code="parameter_invalid_string",
        )
    pm_param = P.string(p, "payment_method")
    metadata = P.metadata(p)
    pm = customers.resolve(ctx, pm_param, "payment_method") if pm_param else None
    if pm is not None:
        intents.check_payment_method_owner(pm, customer_id)
    si_id = new_id("seti")
    si = {
        "id": si_id,
        "object": "setup_intent",
        "application": None,
        "automatic_payment_methods": None,
        "cancellation_reason": None,
        "client_secret": intents.client_secret(si_id),
        "created": store.clock.now(),
        "customer": customer_id,
        "description": P.string(p, "description"),
        "flow_directions": None,
        "last_setup_error": None,
        "latest_attempt": None,
        "livemode": False,
        "mandate": None,
        "metadata": metadata,
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": pm["id"] if pm else None,
        "payment_method_configuration_details": None,
        "payment_method_options": {
            "card": {"mandate_options": None, "network": None,
                     "request_three_d_secure": "automatic"}
        },
        "payment_method_types": types,
        "single_use_mandate": None,
        "status": "requires_confirmation" if pm else "requires_payment_method",
        "usage": usage,
    }
    store.add(si, "setup_intents")
    if customer_id:
        store.index("seti:customer:" + customer_id).add(si_id, si["created"])
    store.emit("setup_intent.created", si)
    if confirm:
        _confirm(ctx, si, return_url)
    return si


def _confirm(ctx: Ctx, si: dict, return_url: str | None) -> None:
    store = ctx.store
    pm, card = intents.payment_method_to_confirm(ctx, si)
    si["last_setup_error"] = None
    si["latest_attempt"] = new_id("setatt")
    if card.decline is not None:
        error = customers.card_error(card.decline, pm)
        si["status"] = "requires_payment_method"
        si["last_setup_error"] = error.body()["error"]
        si["payment_method"] = None
        store.emit("setup_intent.setup_failed", si)
        error.extra["setup_intent"] = si
        raise error
    if card.auth != "none":
        intents.require_action(ctx, si, return_url)
        store.emit("setup_intent.requires_action", si)
        return
    _succeed(ctx, si, pm)


def _succeed(ctx: Ctx, si: dict, pm: dict) -> None:
    store = ctx.store
    si["status"] = "succeeded"
    si["next_action"] = None
    if si["customer"]:
        customers.attach(ctx, pm, store.objects[si["customer"]])
    store.meta[pm["id"]]["set_up"] = True
    store.emit("setup_intent.succeeded", si)


def authenticate(ctx: Ctx, si: dict, succeeded: bool) -> None:
    """The customer finished (or failed) 3-D Secure on the fake's page."""
    if si["status"] != "requires_action":
        raise _state_error(si, "authenticate", ("requires_action",))
    if succeeded:
        _succeed(ctx, si, ctx.store.objects[si["payment_method"]])
        return
    si["payment_method"] = ctx.store.objects[si["payment_method"]]
    intents.fail_authentication(si, "last_setup_error", AUTH_FAILED)
    ctx.store.emit("setup_intent.setup_failed", si)


@router.get("/v1/setup_intents/*")
def setup_intent_retrieve(ctx: Ctx, p: dict, si_id: str) -> dict:
    return ctx.store.get(si_id, "setupintent", "setup_intent")


@router.post("/v1/setup_intents/*")
def setup_intent_update(ctx: Ctx, p: dict, si_id: str) -> dict:
    P.check_known(p, {"customer", "payment_method", "metadata", "description",
                      "payment_method_types"})
    si = ctx.store.get(si_id, "setupintent", "setup_intent")
    if si["status"] in ("succeeded", "canceled") and (
        "payment_method" in p or "customer" in p
    ):
        raise _state_error(si, "update", CONFIRMABLE)
    if "customer" in p:
        si["customer"] = intents.customer_of(ctx, p)
    if p.get("payment_method"):
        pm = customers.resolve(ctx, P.string(p, "payment_method"), "payment_method")
        intents.check_payment_method_owner(pm, si["customer"])
        si["payment_method"] = pm["id"]
        si["status"] = "requires_confirmation"
        si["next_action"] = None
    if "description" in p:
        si["description"] = P.string(p, "description") or None
    si["metadata"] = P.metadata(p, si["metadata"])
    return si


@router.post("/v1/setup_intents/*/confirm")
def setup_intent_confirm(ctx: Ctx, p: dict, si_id: str) -> dict:
    P.check_known(p, CONFIRM_FIELDS)
    si = ctx.store.get(si_id, "setupintent", "setup_intent")
    return_url = intents.return_url_of(p)
    if si["status"] not in CONFIRMABLE:
        raise _state_error(si, "confirm", CONFIRMABLE)
    if p.get("payment_method"):
        pm = customers.resolve(ctx, P.string(p, "payment_method"), "payment_method")
        intents.check_payment_method_owner(pm, si["customer"])
        si["payment_method"] = pm["id"]
    _confirm(ctx, si, return_url)
    return si


@router.post("/v1/setup_intents/*/cancel")
def setup_intent_cancel(ctx: Ctx, p: dict, si_id: str) -> dict:
    P.check_known(p, {"cancellation_reason"})
    reason = P.choice(p, "cancellation_reason",
                      ("abandoned", "requested_by_customer", "duplicate"))
    si = ctx.store.get(si_id, "setupintent", "setup_intent")
    if si["status"] not in CANCELABLE:
        raise _state_error(si, "cancel", CANCELABLE)
    si["status"] = "canceled"
    si["cancellation_reason"] = reason
    si["next_action"] = None
    ctx.store.emit("setup_intent.canceled", si)
    return si


@router.get("/v1/setup_intents")
def setup_intent_list(ctx: Ctx, p: dict) -> dict:
    P.check_known(p, {"limit", "starting_after", "ending_before", "created", "customer"})
    return ctx.store.list_by(p, "/v1/setup_intents", "setupintent", "setup_intents",
                             {"customer": "seti:customer:"})
