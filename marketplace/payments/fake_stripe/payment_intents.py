"""Payment intents (``/v1/payment_intents``): create, confirm (on- and off-session),
3-D Secure, capture, cancel, update, list.

A declined confirmation answers 402 ``card_error`` with the intent (status
``requires_payment_method``, ``last_payment_error`` set) in ``error.payment_intent``, and
leaves a failed charge as ``latest_charge``, as Stripe does.
"""

from __future__ import annotations

from . import cards, charges, currencies, customers, errors, intents
from . import params as P
from .routing import Ctx, router
from .store import new_id

CREATE_FIELDS = frozenset(
    {"amount", "currency", "customer", "payment_method", "payment_method_types", "confirm",
     "off_session", "capture_method", "setup_future_usage", "metadata", "transfer_group",
     "return_url", "description", "receipt_email", "statement_descriptor",
     "statement_descriptor_suffix", "on_behalf_of", "transfer_data",
     "application_fee_amount", "error_on_requires_action", "confirmation_method",
     "automatic_payment_methods", "payment_method_options", "mandate_data", "shipping",
     "use_stripe_sdk"}
)
UPDATE_FIELDS = frozenset(
    {"amount", "currency", "customer", "payment_method", "payment_method_types",
     "capture_method", "setup_future_usage", "metadata", "transfer_group", "description",
     "receipt_email", "statement_descriptor", "statement_descriptor_suffix", "shipping",
     "payment_method_options", "application_fee_amount"}
)
CONFIRM_FIELDS = frozenset(
    {"payment_method", "off_session", "return_url", "setup_future_usage", "capture_method",
     "error_on_requires_action", "mandate_data", "payment_method_options", "receipt_email",
     "shipping", "use_stripe_sdk", "payment_method_types"}
)
CAPTURE_METHODS = ("automatic", "automatic_async", "manual")
FUTURE_USAGES = ("on_session", "off_session")
EDITABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
CONFIRMABLE = EDITABLE
CANCELABLE = ("requires_payment_method", "requires_capture", "requires_confirmation",
              "requires_action", "processing")
CANCEL_REASONS = ("duplicate", "fraudulent", "requested_by_customer", "abandoned")
AUTH_FAILED = (
    "The provided PaymentMethod has failed authentication. You can provide "
    "payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent "
    "again."
)


def _state_error(pi: dict, verb: str, allowed: tuple[str, ...]) -> errors.StripeError:
    return errors.StripeError(
        f"This PaymentIntent could not be {verb} because it has a status of "
        f"{pi['status']}. Only a PaymentIntent with one of the following statuses may be "
        f"{verb}: " + ", ".join(allowed) + ".",
        code="payment_intent_unexpected_state",
        extra={"payment_intent": pi},
    )


def _amount(p: dict, required: bool) -> int | None:
    return P.integer(p, "amount", required=required, minimum=1)


@router.post("/v1/payment_intents")
def payment_intent_create(ctx: Ctx, p: dict) -> dict:
    P.check_known(p, CREATE_FIELDS)
    store = ctx.store
    amount = _amount(p, required=True)
    currency = currencies.check(P.string(p, "currency"))
    currencies.check_charge_amount(amount, currency)
    customer_id = intents.customer_of(ctx, p)
    confirm = P.boolean(p, "confirm", False)
    off_session = P.boolean(p, "off_session", False)
    if off_session and not confirm:
        raise errors.invalid(
            "off_session", "off_session can only be used when confirm=true.",
            code="parameter_invalid_boolean",
        )
    return_url = intents.return_url_of(p)
    if return_url and not confirm:
        raise errors.invalid(
            "return_url", "You can only pass return_url when confirm=true.",
            code="parameter_invalid_string",
        )
    capture_method = P.choice(p, "capture_method", CAPTURE_METHODS, "automatic_async")
    future_usage = P.choice(p, "setup_future_usage", FUTURE_USAGES)
    error_on_action = P.boolean(p, "error_on_requires_action", False)
    types = P.string_list(p, "payment_method_types") or ["card"]
    if types != ["card"]:
        raise errors.invalid(
            "payment_method_types", "The fake supports only the card payment method type.",
            code="payment_method_invalid_parameter",
        )
    metadata = P.metadata(p)
    pm_param = P.string(p, "payment_method")
    pm = customers.resolve(ctx, pm_param, "payment_method") if pm_param else None
    if pm is not None:
        intents.check_payment_method_owner(pm, customer_id)
    pi_id = new_id("pi")
    pi = {
        "id": pi_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "application": None,
        "application_fee_amount": P.integer(p, "application_fee_amount", minimum=0),
        "automatic_payment_methods": None,
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": capture_method,
        "client_secret": intents.client_secret(pi_id),
        "confirmation_method": "automatic",
        "created": store.clock.now(),
        "currency": currency,
        "customer": customer_id,
        "description": P.string(p, "description"),
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": metadata,
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": pm["id"] if pm else None,
        "payment_method_configuration_details": None,
        "payment_method_options": {
            "card": {"installments": None, "mandate_options": None, "network": None,
                     "request_three_d_secure": "automatic"}
        },
        "payment_method_types": types,
        "processing": None,
        "receipt_email": P.string(p, "receipt_email"),
        "review": None,
        "setup_future_usage": future_usage,
        "shipping": P.mapping(p, "shipping"),
        "source": None,
        "statement_descriptor": P.string(p, "statement_descriptor"),
        "statement_descriptor_suffix": P.string(p, "statement_descriptor_suffix"),
        "status": "requires_confirmation" if pm else "requires_payment_method",
        "transfer_data": P.mapping(p, "transfer_data"),
        "transfer_group": P.string(p, "transfer_group"),
    }
    store.add(pi, "payment_intents")
    if customer_id:
        store.index("pi:customer:" + customer_id).add(pi_id, pi["created"])
    store.emit("payment_intent.created", pi)
    if confirm:
        _confirm(ctx, pi, off_session=off_session, return_url=return_url,
                 error_on_action=error_on_action)
    return pi


def _confirm(ctx: Ctx, pi: dict, *, off_session: bool, return_url: str | None,
             error_on_action: bool) -> None:
    store = ctx.store
    pm, card = intents.payment_method_to_confirm(ctx, pi)
    pi["last_payment_error"] = None
    pi["next_action"] = None
    if card.decline is not None:
        _fail(ctx, pi, pm, card, card.decline)
    set_up = store.meta[pm["id"]]["set_up"] and pm["customer"] == pi["customer"]
    if cards.needs_authentication(card, off_session=off_session, set_up=set_up):
        if off_session or error_on_action:
            _fail(ctx, pi, pm, card, cards.AUTH_REQUIRED)
        intents.require_action(ctx, pi, return_url)
        store.emit("payment_intent.requires_action", pi)
        return
    _charge(ctx, pi, pm, card)


def _fail(ctx: Ctx, pi: dict, pm: dict, card: cards.TestCard, decline: cards.Decline):
    charge = charges.charge_create(ctx, pi, pm, card, capture=False, failure=decline)
    error = customers.card_error(decline, pm, {"charge": charge["id"]})
    pi["latest_charge"] = charge["id"]
    pi["status"] = "requires_payment_method"
    pi["payment_method"] = None
    pi["last_payment_error"] = error.body()["error"]
    ctx.store.emit("payment_intent.payment_failed", pi)
    error.extra["payment_intent"] = pi
    raise error


def _charge(ctx: Ctx, pi: dict, pm: dict, card: cards.TestCard) -> None:
    store = ctx.store
    capture = pi["capture_method"] != "manual"
    if pi["setup_future_usage"] and pi["customer"]:
        customers.attach(ctx, pm, store.objects[pi["customer"]])
        store.meta[pm["id"]]["set_up"] = True
    charge = charges.charge_create(ctx, pi, pm, card, capture=capture)
    pi["latest_charge"] = charge["id"]
    pi["next_action"] = None
    if capture:
        pi["status"] = "succeeded"
        pi["amount_received"] = pi["amount"]
        store.emit("payment_intent.succeeded", pi)
    else:
        pi["status"] = "requires_capture"
        pi["amount_capturable"] = pi["amount"]
        store.emit("payment_intent.amount_capturable_updated", pi)


def authenticate(ctx: Ctx, pi: dict, succeeded: bool) -> None:
    """The customer finished (or failed) 3-D Secure on the fake's page."""
    if pi["status"] != "requires_action":
        raise _state_error(pi, "authenticated", ("requires_action",))
    pm = ctx.store.objects[pi["payment_method"]]
    if succeeded:
        _charge(ctx, pi, pm, customers.card_of(ctx, pm))
        return
    pi["payment_method"] = pm
    intents.fail_authentication(pi, "last_payment_error", AUTH_FAILED)
    ctx.store.emit("payment_intent.payment_failed", pi)


@router.get("/v1/payment_intents/*")
def payment_intent_retrieve(ctx: Ctx, p: dict, pi_id: str) -> dict:
    return ctx.store.get(pi_id, "payment_intent", "payment_intent", param="intent")


@router.post("/v1/payment_intents/*")
def payment_intent_update(ctx: Ctx, p: dict, pi_id: str) -> dict:
    P.check_known(p, UPDATE_FIELDS)
    store = ctx.store
    pi = store.get(pi_id, "payment_intent", "payment_intent", param="intent")
    money_change = {"amount", "currency", "payment_method", "customer", "capture_method"}
    if money_change & p.keys() and pi["status"] not in EDITABLE:
        raise _state_error(pi, "updated", EDITABLE)
    amount = _amount(p, required=False)
    currency = currencies.check(P.string(p, "currency")) if "currency" in p else None
    if amount is not None or currency:
        currencies.check_charge_amount(amount or pi["amount"], currency or pi["currency"])
    capture_method = P.choice(p, "capture_method", CAPTURE_METHODS)
    future_usage = P.choice(p, "setup_future_usage", FUTURE_USAGES)
    customer_id = intents.customer_of(ctx, p) if "customer" in p else pi["customer"]
    metadata = P.metadata(p, pi["metadata"])
    pm = None
    if p.get("payment_method"):
        pm = customers.resolve(ctx, P.string(p, "payment_method"), "payment_method")
        intents.check_payment_method_owner(pm, customer_id)
    previous = {k: pi[k] for k in p if k in pi}
    if amount is not None:
        pi["amount"] = amount
    if currency:
        pi["currency"] = currency
    if capture_method:
        pi["capture_method"] = capture_method
    if future_usage:
        pi["setup_future_usage"] = future_usage
    if customer_id != pi["customer"]:
        pi["customer"] = customer_id
        if customer_id:
            store.index("pi:customer:" + customer_id).add(pi_id, pi["created"])
    if pm is not None:
        pi["payment_method"] = pm["id"]
        pi["status"] = "requires_confirmation"
        pi["next_action"] = None
    for key in ("description", "receipt_email", "statement_descriptor",
                "statement_descriptor_suffix", "transfer_group"):
        if key in p:
            pi[key] = P.string(p, key) or None
    pi["metadata"] = metadata
    store.emit("payment_intent.updated", pi, previous=previous)
    return pi


@router.post("/v1/payment_intents/*/confirm")
def payment_intent_confirm(ctx: Ctx, p: dict, pi_id: str) -> dict:
    P.check_known(p, CONFIRM_FIELDS)
    store = ctx.store
    pi = store.get(pi_id, "payment_intent", "payment_intent", param="intent")
    off_session = P.boolean(p, "off_session", False)
    return_url = intents.return_url_of(p)
    error_on_action = P.boolean(p, "error_on_requires_action", False)
    capture_method = P.choice(p, "capture_method", CAPTURE_METHODS)
    future_usage = P.choice(p, "setup_future_usage", FUTURE_USAGES)
    if pi["status"] not in CONFIRMABLE:
        raise _state_error(pi, "confirmed", CONFIRMABLE)
    if p.get("payment_method"):
        pm = customers.resolve(ctx, P.string(p, "payment_method"), "payment_method")
        intents.check_payment_method_owner(pm, pi["customer"])
        pi["payment_method"] = pm["id"]
    if capture_method:
        pi["capture_method"] = capture_method
    if future_usage:
        pi["setup_future_usage"] = future_usage
    _confirm(ctx, pi, off_session=off_session, return_url=return_url,
             error_on_action=error_on_action)
    return pi


@router.post("/v1/payment_intents/*/capture")
def payment_intent_capture(ctx: Ctx, p: dict, pi_id: str) -> dict:
    P.check_known(p, {"amount_to_capture", "metadata", "application_fee_amount",
                      "statement_descriptor", "statement_descriptor_suffix", "final_capture"})
    store = ctx.store
    pi = store.get(pi_id, "payment_intent", "payment_intent", param="intent")
    amount = P.integer(p, "amount_to_capture", minimum=1)
    metadata = P.metadata(p, pi["metadata"])
    if pi["status"] != "requires_capture":
        raise _state_error(pi, "captured", ("requires_capture",))
    if amount is None:
        amount = pi["amount_capturable"]
    if amount > pi["amount_capturable"]:
        raise errors.StripeError(
            f"The amount to capture ({amount}) is greater than the amount capturable "
            f"({pi['amount_capturable']}) on this PaymentIntent.",
            code="amount_too_large",
            param="amount_to_capture",
            extra={"payment_intent": pi},
        )
    charge = store.objects[pi["latest_charge"]]
    pi["metadata"] = metadata
    pi["amount_capturable"] = 0
    pi["amount_received"] = amount
    pi["status"] = "succeeded"
    charges.charge_capture(ctx, charge, amount)
    store.emit("payment_intent.succeeded", pi)
    return pi


@router.post("/v1/payment_intents/*/cancel")
def payment_intent_cancel(ctx: Ctx, p: dict, pi_id: str) -> dict:
    P.check_known(p, {"cancellation_reason"})
    store = ctx.store
    reason = P.choice(p, "cancellation_reason", CANCEL_REASONS)
    pi = store.get(pi_id, "payment_intent", "payment_intent", param="intent")
    if pi["status"] not in CANCELABLE:
        raise _state_error(pi, "canceled", CANCELABLE)
    if pi["status"] == "requires_capture":
        charges.charge_release(ctx, store.objects[pi["latest_charge"]])
    pi["status"] = "canceled"
    pi["canceled_at"] = store.clock.now()
    pi["cancellation_reason"] = reason
    pi["amount_capturable"] = 0
    pi["next_action"] = None
    store.emit("payment_intent.canceled", pi)
    return pi


@router.get("/v1/payment_intents")
def payment_intent_list(ctx: Ctx, p: dict) -> dict:
    P.check_known(p, {"limit", "starting_after", "ending_before", "created", "customer"})
    return ctx.store.list_by(p, "/v1/payment_intents", "payment_intent", "payment_intents",
                             {"customer": "pi:customer:"})
