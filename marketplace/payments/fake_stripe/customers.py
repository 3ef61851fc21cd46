"""Customers and payment methods (``/v1/customers``, ``/v1/payment_methods``)."""

from __future__ import annotations

from . import cards, errors
from . import params as P
from .routing import Ctx, router
from .store import new_id

CUSTOMER_FIELDS = frozenset(
    {"email", "name", "description", "phone", "metadata", "payment_method", "address",
     "shipping", "preferred_locales", "invoice_settings"}
)
PM_FIELDS = frozenset({"billing_details", "metadata"})


def _customer_fields(p: dict, customer: dict) -> None:
    for key in ("email", "name", "description", "phone"):
        if key in p:
            customer[key] = P.string(p, key) or None
    for key in ("address", "shipping"):
        if key in p:
            customer[key] = P.mapping(p, key)
    if "preferred_locales" in p:
        customer["preferred_locales"] = P.string_list(p, "preferred_locales") or []
    settings = P.mapping(p, "invoice_settings")
    if settings and "default_payment_method" in settings:
        pm_id = settings["default_payment_method"] or None
        customer["invoice_settings"]["default_payment_method"] = pm_id
    customer["metadata"] = P.metadata(p, customer["metadata"])


@router.post("/v1/customers")
def customer_create(ctx: Ctx, p: dict) -> dict:
    P.check_known(p, CUSTOMER_FIELDS)
    store = ctx.store
    pm_param = P.string(p, "payment_method")
    customer = {
        "id": new_id("cus", 14),
        "object": "customer",
        "address": None,
        "balance": 0,
        "created": store.clock.now(),
        "currency": None,
        "default_source": None,
        "delinquent": False,
        "description": None,
        "discount": None,
        "email": None,
        "invoice_prefix": new_id("INV", 6)[4:].upper(),
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": {},
        "name": None,
        "next_invoice_sequence": 1,
        "phone": None,
        "preferred_locales": [],
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": None,
    }
    _customer_fields(p, customer)
    pm = resolve(ctx, pm_param, "payment_method") if pm_param else None
    store.add(customer, "customers")
    if customer["email"]:
        store.index("customers:email:" + customer["email"]).add(
            customer["id"], customer["created"]
        )
    store.emit("customer.created", customer)
    if pm is not None:
        attach(ctx, pm, customer)
    return customer


@router.get("/v1/customers/*")
def customer_retrieve(ctx: Ctx, p: dict, customer_id: str) -> dict:
    return ctx.store.get(customer_id, "customer", "customer")


@router.post("/v1/customers/*")
def customer_update(ctx: Ctx, p: dict, customer_id: str) -> dict:
    P.check_known(p, CUSTOMER_FIELDS - {"payment_method"})
    store = ctx.store
    customer = store.get(customer_id, "customer", "customer")
    before = {k: customer[k] for k in p if k in customer and k != "expand"}
    old_email = customer["email"]
    default_pm = (P.mapping(p, "invoice_settings") or {}).get("default_payment_method")
    if default_pm:
        pm = store.get(default_pm, "PaymentMethod", "payment_method",
                       param="invoice_settings[default_payment_method]", status=400)
        if pm["customer"] != customer_id:
            raise errors.StripeError(
                f"No such PaymentMethod: '{default_pm}'; It's possible this PaymentMethod "
                "exists on one of your connected accounts, in which case you should retry "
                "this request on that connected account.",
                code="resource_missing",
                param="invoice_settings[default_payment_method]",
            )
    _customer_fields(p, customer)
    if customer["email"] != old_email:
        if old_email:
            store.index("customers:email:" + old_email).remove(customer["id"])
        if customer["email"]:
            store.index("customers:email:" + customer["email"]).add(
                customer["id"], customer["created"]
            )
    store.emit("customer.updated", customer, previous=before)
    return customer


@router.get("/v1/customers")
def customer_list(ctx: Ctx, p: dict) -> dict:
    P.check_known(p, {"limit", "starting_after", "ending_before", "created", "email"})
    return ctx.store.list_by(p, "/v1/customers", "customer", "customers",
                             {"email": "customers:email:"})


@router.get("/v1/customers/*/payment_methods")
def customer_payment_methods(ctx: Ctx, p: dict, customer_id: str) -> dict:
    P.check_known(p, {"limit", "starting_after", "ending_before", "type", "allow_redisplay"})
    ctx.store.get(customer_id, "customer", "customer")
    P.choice(p, "type", ("card",))
    return ctx.store.list_object(
        "pm:customer:" + customer_id, p, f"/v1/customers/{customer_id}/payment_methods",
        "payment_method",
    )


# -- payment methods -------------------------------------------------------------------


def clone_test_card(ctx: Ctx, token: str) -> dict:
    """Stripe turns ``pm_card_visa`` and friends into a new ``pm_...`` on every use."""
    card = cards.TEST_PAYMENT_METHODS[token]
    store = ctx.store
    pm = {
        "id": new_id("pm"),
        "object": "payment_method",
        "allow_redisplay": "unspecified",
        "billing_details": {
            "address": {"city": None, "country": None, "line1": None, "line2": None,
                        "postal_code": None, "state": None},
            "email": None,
            "name": None,
            "phone": None,
        },
        "card": cards.card_details(card),
        "created": store.clock.now(),
        "customer": None,
        "livemode": False,
        "metadata": {},
        "type": "card",
    }
    store.add(pm)
    store.meta[pm["id"]] = {"card": card, "set_up": False}
    return pm


def resolve(ctx: Ctx, value: str, param: str) -> dict:
    """A payment method named by a parameter: a test token (cloned) or a stored ``pm_``."""
    if value in cards.TEST_PAYMENT_METHODS:
        return clone_test_card(ctx, value)
    return ctx.store.get(value, "PaymentMethod", "payment_method", param=param, status=400)


def card_of(ctx: Ctx, pm: dict) -> cards.TestCard:
    return ctx.store.meta[pm["id"]]["card"]


def card_error(decline: cards.Decline, pm: dict, extra: dict | None = None) -> errors.StripeError:
    body = {"payment_method": pm}
    body.update(extra or {})
    return errors.StripeError(
        decline.message,
        code=decline.code,
        decline_code=decline.decline_code,
        status=402,
        type="card_error",
        param="exp_month" if decline.code == "expired_card" else None,
        extra=body,
    )


def attach(ctx: Ctx, pm: dict, customer: dict) -> dict:
    if pm["customer"] == customer["id"]:
        return pm
    if pm["customer"] is not None:
        raise errors.StripeError(
            "The payment method you provided has already been attached to a customer.",
            code="payment_method_unexpected_state",
        )
    card = card_of(ctx, pm)
    if card.decline is not None:
        # Attaching validates the card with the issuer, as Stripe does.
        raise card_error(card.decline, pm)
    pm["customer"] = customer["id"]
    ctx.store.index("pm:customer:" + customer["id"]).add(pm["id"], ctx.store.clock.now())
    ctx.store.emit("payment_method.attached", pm)
    return pm


@router.get("/v1/payment_methods/*")
def payment_method_retrieve(ctx: Ctx, p: dict, pm_id: str) -> dict:
    if pm_id in cards.TEST_PAYMENT_METHODS:
        return clone_test_card(ctx, pm_id)
    return ctx.store.get(pm_id, "payment_method", "payment_method")


@router.post("/v1/payment_methods/*")
def payment_method_update(ctx: Ctx, p: dict, pm_id: str) -> dict:
    P.check_known(p, PM_FIELDS | {"card", "allow_redisplay"})
    pm = ctx.store.get(pm_id, "payment_method", "payment_method")
    details = P.mapping(p, "billing_details")
    if details:
        for key in ("email", "name", "phone"):
            if key in details:
                pm["billing_details"][key] = details[key] or None
    pm["metadata"] = P.metadata(p, pm["metadata"])
    ctx.store.emit("payment_method.updated", pm)
    return pm


@router.post("/v1/payment_methods/*/attach")
def payment_method_attach(ctx: Ctx, p: dict, pm_id: str) -> dict:
    P.check_known(p, {"customer"})
    customer_id = P.string(p, "customer", required=True)
    customer = ctx.store.get(customer_id, "customer", "customer", param="customer", status=400)
    if pm_id in cards.TEST_PAYMENT_METHODS:
        pm = clone_test_card(ctx, pm_id)
    else:
        pm = ctx.store.get(pm_id, "payment_method", "payment_method")
    return attach(ctx, pm, customer)


@router.post("/v1/payment_methods/*/detach")
def payment_method_detach(ctx: Ctx, p: dict, pm_id: str) -> dict:
    P.check_known(p, set())
    pm = ctx.store.get(pm_id, "payment_method", "payment_method")
    if pm["customer"] is None:
        raise errors.StripeError(
            "The payment method you provided is not attached to a customer so detachment "
            "is impossible.",
            code="payment_method_unexpected_state",
        )
    ctx.store.index("pm:customer:" + pm["customer"]).remove(pm["id"])
    previous = {"customer": pm["customer"]}
    pm["customer"] = None
    ctx.store.meta[pm["id"]]["set_up"] = False
    ctx.store.emit("payment_method.detached", pm, previous=previous)
    return pm


@router.get("/v1/payment_methods")
def payment_method_list(ctx: Ctx, p: dict) -> dict:
    P.check_known(p, {"limit", "starting_after", "ending_before", "type", "customer"})
    P.choice(p, "type", ("card",))
    customer_id = P.string(p, "customer")
    if customer_id is None:
        # Stripe lists only a customer's payment methods through the API.
        return {"object": "list", "data": [], "has_more": False, "url": "/v1/payment_methods"}
    ctx.store.get(customer_id, "customer", "customer", param="customer", status=400)
    return ctx.store.list_object(
        "pm:customer:" + customer_id, p, "/v1/payment_methods", "payment_method"
    )
