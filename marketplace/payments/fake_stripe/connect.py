"""Connect: accounts, account links (onboarding), transfers and the platform balance.

A new account has its requested capabilities ``inactive`` and cannot receive transfers
until onboarding is completed on the fake's page (or the control API sets its state).
"""

from __future__ import annotations

from . import currencies, errors
from . import params as P
from .routing import Ctx, router
from .store import new_id, snapshot

ACCOUNT_FIELDS = frozenset(
    {"type", "controller", "country", "email", "capabilities", "business_type",
     "business_profile", "metadata", "default_currency", "settings", "tos_acceptance",
     "individual", "company", "external_account"}
)
ACCOUNT_TYPES = ("express", "standard", "custom")
CAPABILITIES = ("card_payments", "transfers")
DUE = ["business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip"]
INSUFFICIENT_FUNDS = (
    "You have insufficient funds in your Stripe account for this transfer. Your card "
    "balance is too low.  You can use the /v1/balance endpoint to view your Stripe "
    "balance (for more details, see stripe.com/docs/api#balance)."
)


def _requirements(due: list[str], disabled_reason: str | None) -> dict:
    return {
        "alternatives": [],
        "current_deadline": None,
        "currently_due": list(due),
        "disabled_reason": disabled_reason,
        "errors": [],
        "eventually_due": list(due),
        "past_due": list(due),
        "pending_verification": [],
    }


def _controller(p: dict, account_type: str | None) -> tuple[str, dict]:
    given = P.mapping(p, "controller")
    if given is None:
        account_type = account_type or "standard"
        dashboard = {"express": "express", "standard": "full", "custom": "none"}[account_type]
        return account_type, {
            "fees": {"payer": "application" if account_type != "standard" else "account"},
            "is_controller": True,
            "losses": {"payments": "application" if account_type != "standard" else "stripe"},
            "requirement_collection": "stripe" if account_type != "custom" else "application",
            "stripe_dashboard": {"type": dashboard},
            "type": "application",
        }
    dashboard = (given.get("stripe_dashboard") or {}).get("type", "full")
    derived = {"express": "express", "full": "standard", "none": "custom"}.get(dashboard)
    if derived is None:
        raise errors.invalid("controller[stripe_dashboard][type]",
                             "Invalid controller[stripe_dashboard][type]")
    return account_type or derived, {
        "fees": {"payer": (given.get("fees") or {}).get("payer", "account")},
        "is_controller": True,
        "losses": {"payments": (given.get("losses") or {}).get("payments", "stripe")},
        "requirement_collection": given.get("requirement_collection", "stripe"),
        "stripe_dashboard": {"type": dashboard},
        "type": "application",
    }


def _requested_capabilities(p: dict) -> dict[str, str]:
    requested = P.mapping(p, "capabilities") or {}
    result = {}
    for name, value in requested.items():
        if name not in CAPABILITIES:
            raise errors.invalid(f"capabilities[{name}]",
                                 f"Received unknown parameter: capabilities[{name}]",
                                 code="parameter_unknown")
        if isinstance(value, dict) and P.boolean(value, "requested", False):
            result[name] = "inactive"
    return result


@router.post("/v1/accounts")
def account_create(ctx: Ctx, p: dict) -> dict:
    P.check_known(p, ACCOUNT_FIELDS)
    store = ctx.store
    account_type = P.choice(p, "type", ACCOUNT_TYPES)
    account_type, controller = _controller(p, account_type)
    capabilities = _requested_capabilities(p)
    country = (P.string(p, "country") or "US").upper()
    default_currency = currencies.check(P.string(p, "default_currency") or "usd",
                                        "default_currency")
    account = {
        "id": new_id("acct", 16),
        "object": "account",
        "business_profile": {"mcc": None, "name": None, "product_description": None,
                             "support_email": None, "url": None},
        "business_type": P.choice(p, "business_type",
                                  ("individual", "company", "non_profit",
                                   "government_entity")),
        "capabilities": capabilities,
        "charges_enabled": False,
        "controller": controller,
        "country": country,
        "created": store.clock.now(),
        "default_currency": default_currency,
        "details_submitted": False,
        "email": P.string(p, "email"),
        "external_accounts": {"object": "list", "data": [], "has_more": False,
                              "total_count": 0, "url": ""},
        "future_requirements": _requirements([], None),
        "metadata": P.metadata(p),
        "payouts_enabled": False,
        "requirements": _requirements(DUE, "requirements.past_due"),
        "settings": {"payouts": {"debit_negative_balances": True,
                                 "schedule": {"delay_days": 2, "interval": "daily"},
                                 "statement_descriptor": None}},
        "tos_acceptance": {"date": None},
        "type": account_type,
    }
    profile = P.mapping(p, "business_profile") or {}
    account["business_profile"].update({k: v for k, v in profile.items()
                                        if k in account["business_profile"]})
    account["external_accounts"]["url"] = f"/v1/accounts/{account['id']}/external_accounts"
    store.add(account, "accounts")
    return account


def account_changed(ctx: Ctx, account: dict, before: dict) -> None:
    """Emit ``account.updated`` with Stripe's ``previous_attributes`` (changed keys)."""
    previous = {k: v for k, v in before.items() if account.get(k) != v}
    ctx.store.emit("account.updated", account, previous=previous, account=account["id"])


def onboard(ctx: Ctx, account: dict) -> None:
    """What the onboarding page's "Complete onboarding" does."""
    before = snapshot(account)
    account["details_submitted"] = True
    account["charges_enabled"] = True
    account["payouts_enabled"] = True
    account["capabilities"] = dict.fromkeys(account["capabilities"], "active")
    account["requirements"] = _requirements([], None)
    account["tos_acceptance"] = {"date": ctx.store.clock.now()}
    account_changed(ctx, account, before)


def set_state(ctx: Ctx, account: dict, state: dict) -> None:
    """The control API's account switch: capabilities, flags, a disabled reason."""
    before = snapshot(account)
    for flag in ("charges_enabled", "payouts_enabled", "details_submitted"):
        if flag in state:
            account[flag] = bool(state[flag])
    for name, status in (state.get("capabilities") or {}).items():
        if status not in ("active", "inactive", "pending", "unrequested"):
            raise errors.invalid(f"capabilities[{name}]", f"Unknown capability status {status}")
        if status == "unrequested":
            account["capabilities"].pop(name, None)
        else:
            account["capabilities"][name] = status
    if "disabled_reason" in state or "currently_due" in state:
        due = state.get("currently_due", account["requirements"]["currently_due"])
        account["requirements"] = _requirements(due, state.get("disabled_reason"))
    account_changed(ctx, account, before)


@router.get("/v1/accounts/*")
def account_retrieve(ctx: Ctx, p: dict, account_id: str) -> dict:
    return ctx.store.get(account_id, "account", "account", param="account")


@router.post("/v1/accounts/*")
def account_update(ctx: Ctx, p: dict, account_id: str) -> dict:
    P.check_known(p, ACCOUNT_FIELDS - {"type", "controller", "country"})
    account = ctx.store.get(account_id, "account", "account", param="account")
    capabilities = _requested_capabilities(p)
    metadata = P.metadata(p, account["metadata"])
    before = snapshot(account)
    for name, status in capabilities.items():
        account["capabilities"].setdefault(name, status)
    if "email" in p:
        account["email"] = P.string(p, "email") or None
    if "business_type" in p:
        account["business_type"] = P.string(p, "business_type") or None
    profile = P.mapping(p, "business_profile") or {}
    account["business_profile"].update({k: v for k, v in profile.items()
                                        if k in account["business_profile"]})
    account["metadata"] = metadata
    account_changed(ctx, account, before)
    return account


@router.get("/v1/accounts")
def account_list(ctx: Ctx, p: dict) -> dict:
    P.check_known(p, {"limit", "starting_after", "ending_before", "created"})
    return ctx.store.list_object("accounts", p, "/v1/accounts", "account")


@router.post("/v1/account_links")
def account_link_create(ctx: Ctx, p: dict) -> dict:
    P.check_known(p, {"account", "type", "refresh_url", "return_url", "collect",
                      "collection_options"})
    store = ctx.store
    account_id = P.string(p, "account", required=True)
    link_type = P.choice(p, "type", ("account_onboarding", "account_update"))
    if link_type is None:
        raise errors.missing("type")
    refresh_url = P.string(p, "refresh_url")
    return_url = P.string(p, "return_url")
    store.get(account_id, "account", "account", param="account", status=400)
    now = store.clock.now()
    link_id = new_id("link", 12)
    store.meta.setdefault(account_id, {}).setdefault("links", {})[link_id] = {
        "refresh_url": refresh_url, "return_url": return_url, "expires_at": now + 300,
    }
    return {
        "object": "account_link",
        "created": now,
        "expires_at": now + 300,
        "url": f"{ctx.base_url}/fake/connect/onboarding/{account_id}?link={link_id}",
    }


# -- transfers and balance -------------------------------------------------------------


@router.post("/v1/transfers")
def transfer_create(ctx: Ctx, p: dict) -> dict:
    P.check_known(p, {"amount", "currency", "destination", "transfer_group", "metadata",
                      "source_transaction", "description", "source_type"})
    store = ctx.store
    amount = P.integer(p, "amount", required=True, minimum=1)
    currency = currencies.check(P.string(p, "currency"))
    destination_id = P.string(p, "destination", required=True)
    metadata = P.metadata(p)
    source_id = P.string(p, "source_transaction")
    destination = store.objects.get(destination_id)
    if destination is None or destination.get("object") != "account":
        raise errors.StripeError(f"No such destination: '{destination_id}'",
                                 code="resource_missing", param="destination")
    if destination["capabilities"].get("transfers") != "active":
        raise errors.StripeError(
            "Your destination account needs to have at least one of the following "
            "capabilities enabled: transfers, crypto_transfers, legacy_payments",
            code="insufficient_capabilities_for_transfer",
            param="destination",
        )
    if source_id:
        charge = store.get(source_id, "charge", "charge", param="source_transaction",
                           status=400)
        meta = store.meta.get(charge["id"], {})
        left = charge["amount_captured"] - charge["amount_refunded"] - meta.get(
            "transferred", 0)
        if charge["status"] != "succeeded" or charge["currency"] != currency or amount > left:
            raise errors.StripeError(
                "The amount of the transfer exceeds what is left of its source transaction "
                f"{source_id} ({left} {charge['currency']}), or the currencies differ.",
                code="amount_too_large",
                param="amount",
            )
        meta["transferred"] = meta.get("transferred", 0) + amount
    elif store.available.get(currency, 0) < amount:
        raise errors.StripeError(INSUFFICIENT_FUNDS, code="balance_insufficient")
    transfer_id = new_id("tr")
    transfer = {
        "id": transfer_id,
        "object": "transfer",
        "amount": amount,
        "amount_reversed": 0,
        "balance_transaction": None,
        "created": store.clock.now(),
        "currency": currency,
        "description": P.string(p, "description"),
        "destination": destination_id,
        "destination_payment": new_id("py"),
        "livemode": False,
        "metadata": metadata,
        "reversals": {"object": "list", "data": [], "has_more": False, "total_count": 0,
                      "url": f"/v1/transfers/{transfer_id}/reversals"},
        "reversed": False,
        "source_transaction": source_id,
        "source_type": "card",
        "transfer_group": P.string(p, "transfer_group"),
    }
    store.add(transfer, "transfers", "transfers:destination:" + destination_id)
    if transfer["transfer_group"]:
        store.index("transfers:group:" + transfer["transfer_group"]).add(
            transfer_id, transfer["created"]
        )
    store.credit(currency, -amount)
    store.emit("transfer.created", transfer)
    return transfer


@router.get("/v1/transfers/*")
def transfer_retrieve(ctx: Ctx, p: dict, transfer_id: str) -> dict:
    return ctx.store.get(transfer_id, "transfer", "transfer")


@router.post("/v1/transfers/*")
def transfer_update(ctx: Ctx, p: dict, transfer_id: str) -> dict:
    P.check_known(p, {"metadata", "description"})
    transfer = ctx.store.get(transfer_id, "transfer", "transfer")
    transfer["metadata"] = P.metadata(p, transfer["metadata"])
    if "description" in p:
        transfer["description"] = P.string(p, "description") or None
    ctx.store.emit("transfer.updated", transfer)
    return transfer


@router.get("/v1/transfers")
def transfer_list(ctx: Ctx, p: dict) -> dict:
    P.check_known(p, {"limit", "starting_after", "ending_before", "created", "destination",
                      "transfer_group"})
    return ctx.store.list_by(p, "/v1/transfers", "transfer", "transfers", {
        "destination": "transfers:destination:", "transfer_group": "transfers:group:"})


@router.get("/v1/balance")
def balance_retrieve(ctx: Ctx, p: dict) -> dict:
    amounts = ctx.store.available or {"usd": 0}
    return {
        "object": "balance",
        "available": [
            {"amount": amount, "currency": currency, "source_types": {"card": amount}}
            for currency, amount in sorted(amounts.items())
        ],
        "connect_reserved": [{"amount": 0, "currency": c} for c in sorted(amounts)],
        "livemode": False,
        "pending": [
            {"amount": 0, "currency": c, "source_types": {"card": 0}} for c in sorted(amounts)
        ],
    }
