"""Charges (made by payment intents), refunds, and the charge ledger of the control API.

The ledger lists every successful charge the fake made, with the idempotency key of the
request that made it, so a test can count double charges (two entries with the same
``metadata[pledge]``). The platform balance is kept consistent with it: captured charges
minus refunds minus transfers, per currency.
"""

from __future__ import annotations

import time

from . import cards, errors
from . import params as P
from .currencies import ZERO_DECIMAL
from .routing import Ctx, router
from .store import new_id

SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "cny": "CN¥", "aud": "A$",
           "cad": "CA$", "hkd": "HK$"}


def format_amount(amount: int, currency: str) -> str:
    symbol = SYMBOLS.get(currency, currency.upper() + " ")
    if currency in ZERO_DECIMAL:
        return f"{symbol}{amount}"
    return f"{symbol}{amount / 100:.2f}"


def charge_create(ctx: Ctx, pi: dict, pm: dict, card: cards.TestCard, *, capture: bool,
                  failure: cards.Decline | None = None) -> dict:
    store = ctx.store
    now = store.clock.now()
    ok = failure is None
    charge = {
        "id": new_id("ch"),
        "object": "charge",
        "amount": pi["amount"],
        "amount_captured": pi["amount"] if ok and capture else 0,
        "amount_refunded": 0,
        "application_fee": None,
        "application_fee_amount": None,
        "balance_transaction": None,
        "billing_details": pm["billing_details"],
        "calculated_statement_descriptor": "FAKE STRIPE",
        "captured": ok and capture,
        "created": now,
        "currency": pi["currency"],
        "customer": pi["customer"],
        "description": pi["description"],
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": failure.code if failure else None,
        "failure_message": failure.message if failure else None,
        "fraud_details": {},
        "livemode": False,
        "metadata": dict(pi["metadata"]),
        "on_behalf_of": None,
        "outcome": {
            "network_status": "approved_by_network" if ok else "declined_by_network",
            "reason": failure.decline_code if failure else None,
            "risk_level": "normal",
            "risk_score": 20,
            "seller_message": "Payment complete." if ok else "The bank did not return any "
            "further details with this decline.",
            "type": "authorized" if ok else "issuer_declined",
        },
        "paid": ok,
        "payment_intent": pi["id"],
        "payment_method": pm["id"],
        "payment_method_details": {
            "card": {
                "amount_authorized": pi["amount"] if ok else None,
                "brand": card.brand,
                "checks": pm["card"]["checks"],
                "country": card.country,
                "exp_month": card.exp_month,
                "exp_year": card.exp_year,
                "fingerprint": card.fingerprint,
                "funding": card.funding,
                "last4": card.last4,
                "network": card.brand,
                "three_d_secure": None,
            },
            "type": "card",
        },
        "receipt_email": pi.get("receipt_email"),
        "receipt_url": f"{ctx.base_url}/fake/receipts/{pi['id']}",
        "refunded": False,
        "review": None,
        "shipping": None,
        "source_transfer": None,
        "statement_descriptor": None,
        "status": "succeeded" if ok else "failed",
        "transfer_data": None,
        "transfer_group": pi["transfer_group"],
    }
    store.add(charge, "charges", "charges:pi:" + pi["id"])
    if charge["customer"]:
        store.index("charges:customer:" + charge["customer"]).add(charge["id"], now)
    if ok:
        entry = {
            "charge": charge["id"],
            "payment_intent": pi["id"],
            "amount": pi["amount"],
            "amount_captured": charge["amount_captured"],
            "amount_refunded": 0,
            "captured": charge["captured"],
            "currency": pi["currency"],
            "customer": pi["customer"],
            "payment_method": pm["id"],
            "metadata": dict(pi["metadata"]),
            "idempotency_key": store.request.idempotency_key,
            "request_id": store.request.request_id,
            "created": now,
            "time": time.time(),
        }
        store.ledger.append(entry)
        store.meta[charge["id"]] = {"ledger": entry, "transferred": 0}
        if capture:
            store.credit(charge["currency"], charge["amount"])
        store.emit("charge.succeeded", charge)
    else:
        store.emit("charge.failed", charge)
    return charge


def charge_capture(ctx: Ctx, charge: dict, amount: int) -> None:
    charge["captured"] = True
    charge["amount_captured"] = amount
    entry = ctx.store.meta[charge["id"]]["ledger"]
    entry["captured"] = True
    entry["amount_captured"] = amount
    ctx.store.credit(charge["currency"], amount)
    ctx.store.emit("charge.captured", charge)


def charge_release(ctx: Ctx, charge: dict) -> None:
    """Cancelling an uncaptured payment releases the authorisation; no money moved."""
    charge["refunded"] = True
    charge["amount_refunded"] = charge["amount"]
    ctx.store.meta[charge["id"]]["ledger"]["released"] = True
    ctx.store.emit("charge.refunded", charge)


def refundable(ctx: Ctx, charge: dict) -> int:
    return charge["amount_captured"] - charge["amount_refunded"]


@router.get("/v1/charges/*")
def charge_retrieve(ctx: Ctx, p: dict, charge_id: str) -> dict:
    return ctx.store.get(charge_id, "charge", "charge")


@router.get("/v1/charges")
def charge_list(ctx: Ctx, p: dict) -> dict:
    P.check_known(p, {"limit", "starting_after", "ending_before", "created", "customer",
                      "payment_intent", "transfer_group"})
    return ctx.store.list_by(p, "/v1/charges", "charge", "charges", {
        "payment_intent": "charges:pi:", "customer": "charges:customer:"})


# -- refunds ---------------------------------------------------------------------------

REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")


def _charge_for_refund(ctx: Ctx, p: dict) -> dict:
    store = ctx.store
    charge_id = P.string(p, "charge")
    pi_id = P.string(p, "payment_intent")
    if not charge_id and not pi_id:
        raise errors.ParamError(
            "One of the following params should be provided for this request: "
            "payment_intent or charge.",
            code="parameter_missing",
        )
    if charge_id:
        return store.get(charge_id, "charge", "charge", param="charge", status=400)
    pi = store.get(pi_id, "payment_intent", "payment_intent", param="payment_intent",
                   status=400)
    charge = store.objects.get(pi["latest_charge"] or "")
    if pi["status"] == "requires_capture":
        raise errors.StripeError(
            f"This PaymentIntent ({pi_id}) has an uncaptured charge; cancel the "
            "PaymentIntent to release the funds instead of refunding it.",
            code="charge_not_refundable",
            param="payment_intent",
        )
    if charge is None or pi["status"] != "succeeded":
        raise errors.StripeError(
            f"This PaymentIntent ({pi_id}) does not have a successful charge to refund.",
            code="charge_not_refundable",
            param="payment_intent",
        )
    return charge


@router.post("/v1/refunds")
def refund_create(ctx: Ctx, p: dict) -> dict:
    P.check_known(p, {"charge", "payment_intent", "amount", "reason", "metadata",
                      "instructions_email", "refund_application_fee", "reverse_transfer"})
    store = ctx.store
    amount = P.integer(p, "amount", minimum=1)
    reason = P.choice(p, "reason", REFUND_REASONS)
    metadata = P.metadata(p)
    charge = _charge_for_refund(ctx, p)
    if not charge["captured"]:
        raise errors.StripeError(
            f"Charge {charge['id']} has not been captured; it cannot be refunded.",
            code="charge_not_refundable",
        )
    left = refundable(ctx, charge)
    if left <= 0:
        raise errors.StripeError(
            f"Charge {charge['id']} has already been refunded.",
            code="charge_already_refunded",
        )
    if amount is None:
        amount = left
    if amount > left:
        currency = charge["currency"]
        raise errors.StripeError(
            f"Refund amount ({format_amount(amount, currency)}) is greater than unrefunded "
            f"amount on charge ({format_amount(left, currency)})",
            code="amount_too_large",
            param="amount",
        )
    refund = {
        "id": new_id("re"),
        "object": "refund",
        "amount": amount,
        "balance_transaction": None,
        "charge": charge["id"],
        "created": store.clock.now(),
        "currency": charge["currency"],
        "destination_details": {"card": {"reference_status": "pending", "type": "refund"},
                                "type": "card"},
        "metadata": metadata,
        "payment_intent": charge["payment_intent"],
        "reason": reason,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": "succeeded",
        "transfer_reversal": None,
    }
    store.add(refund, "refunds", "refunds:charge:" + charge["id"],
              "refunds:pi:" + charge["payment_intent"])
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] >= charge["amount_captured"]
    store.meta[charge["id"]]["ledger"]["amount_refunded"] = charge["amount_refunded"]
    store.credit(charge["currency"], -amount)
    store.emit("refund.created", refund)
    store.emit("charge.refunded", charge)
    return refund


@router.get("/v1/refunds/*")
def refund_retrieve(ctx: Ctx, p: dict, refund_id: str) -> dict:
    return ctx.store.get(refund_id, "refund", "refund")


@router.post("/v1/refunds/*")
def refund_update(ctx: Ctx, p: dict, refund_id: str) -> dict:
    P.check_known(p, {"metadata"})
    refund = ctx.store.get(refund_id, "refund", "refund")
    refund["metadata"] = P.metadata(p, refund["metadata"])
    ctx.store.emit("refund.updated", refund)
    return refund


@router.get("/v1/refunds")
def refund_list(ctx: Ctx, p: dict) -> dict:
    P.check_known(p, {"limit", "starting_after", "ending_before", "created", "charge",
                      "payment_intent"})
    return ctx.store.list_by(p, "/v1/refunds", "refund", "refunds", {
        "payment_intent": "refunds:pi:", "charge": "refunds:charge:"})
