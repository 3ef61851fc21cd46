"""What setup and payment intents share: client secrets, customer checks, and the 3-D
Secure step (``requires_action`` with a ``next_action`` pointing at the fake's page)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from . import errors
from . import params as P
from .routing import Ctx
from .store import new_id


def client_secret(intent_id: str) -> str:
    return f"{intent_id}_secret_{new_id('x', 25)[2:]}"


def customer_of(ctx: Ctx, p: dict) -> str | None:
    customer_id = P.string(p, "customer")
    if customer_id:
        ctx.store.get(customer_id, "customer", "customer", param="customer", status=400)
    return customer_id or None


def check_payment_method_owner(pm: dict, customer_id: str | None) -> None:
    if pm["customer"] is not None and pm["customer"] != customer_id:
        raise errors.StripeError(
            f"The provided PaymentMethod ({pm['id']}) is attached to another customer "
            f"({pm['customer']}); it cannot be used with "
            + (f"customer {customer_id}." if customer_id else "no customer."),
            code="payment_method_unexpected_state",
            param="payment_method",
        )


def payment_method_to_confirm(ctx: Ctx, intent: dict) -> tuple[dict, object]:
    """The payment method an intent is being confirmed with, and its test card; Stripe's
    error when there is none."""
    if intent["payment_method"] is None:
        name = "PaymentIntent" if intent["object"] == "payment_intent" else "SetupIntent"
        raise errors.StripeError(
            f"You cannot confirm this {name} because it's missing a payment method. "
            f"Update the {name} with a payment method and then confirm it again.",
            code=intent["object"] + "_unexpected_state",
            extra={intent["object"]: intent},
        )
    pm = ctx.store.objects[intent["payment_method"]]
    return pm, ctx.store.meta[pm["id"]]["card"]


def fail_authentication(intent: dict, error_field: str, message: str) -> None:
    """3-D Secure failed: back to ``requires_payment_method`` with Stripe's
    ``<object>_authentication_failure`` error in ``error_field``."""
    pm = intent["payment_method"]
    code = intent["object"] + "_authentication_failure"
    intent["status"] = "requires_payment_method"
    intent["next_action"] = None
    intent["payment_method"] = None
    intent[error_field] = errors.StripeError(
        message, code=code, extra={"payment_method": pm}
    ).body()["error"]


def return_url_of(p: dict) -> str | None:
    url = P.string(p, "return_url")
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise errors.invalid("return_url", "Not a valid URL", code="url_invalid")
    return url


def require_action(ctx: Ctx, intent: dict, return_url: str | None) -> None:
    """Park the intent in ``requires_action`` behind the fake's 3-D Secure page."""
    page = f"{ctx.base_url}/fake/3ds/{intent['id']}"
    intent["status"] = "requires_action"
    if return_url:
        intent["next_action"] = {
            "type": "redirect_to_url",
            "redirect_to_url": {"url": page, "return_url": return_url},
        }
    else:
        intent["next_action"] = {
            "type": "use_stripe_sdk",
            "use_stripe_sdk": {
                "type": "three_d_secure_redirect",
                "stripe_js": page,
                "source": new_id("src"),
            },
        }
    ctx.store.meta.setdefault(intent["id"], {})["return_url"] = return_url


def redirect_target(ctx: Ctx, intent: dict, succeeded: bool) -> str | None:
    """Where the 3-D Secure page sends the customer back, with Stripe's query string."""
    return_url = ctx.store.meta.get(intent["id"], {}).get("return_url")
    if not return_url:
        return None
    prefix = intent["object"]
    query = urlencode({
        prefix: intent["id"],
        f"{prefix}_client_secret": intent["client_secret"],
        "redirect_status": "succeeded" if succeeded else "failed",
    })
    parts = urlsplit(return_url)
    joined = f"{parts.query}&{query}" if parts.query else query
    return urlunsplit((parts.scheme, parts.netloc, parts.path, joined, parts.fragment))
