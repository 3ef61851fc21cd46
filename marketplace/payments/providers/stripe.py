"""Stripe through the SDK's ``StripeClient`` (``STRIPE_SECRET_KEY``; ``STRIPE_API_BASE``
points it at the project's fake Stripe server in tests and the embedded demo).

The SDK's own retries are off (``max_network_retries=0``): the services retry with
backoff themselves (``services.gateway``), always with the same idempotency key, so a
retry after "the work was done but the answer was lost" replays Stripe's first answer
instead of charging again. Minor units exist only in this module.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import stripe
from django.conf import settings

from marketplace.core.money import Money
from marketplace.payments import errors
from marketplace.payments.providers.base import (
    AccountRequest,
    AccountResult,
    CardDetails,
    ChargeRequest,
    CustomerRequest,
    PaymentProvider,
    PaymentResult,
    RefundRequest,
    RefundResult,
    SetupRequest,
    SetupResult,
    TransferRequest,
    TransferResult,
    WebhookEventData,
    assert_outside_transaction,
)

# Stripe's error codes that the payer can act on, and what we show for them.
_CARD_ERRORS = {
    "insufficient_funds": errors.InsufficientFunds,
    "expired_card": errors.ExpiredCard,
    "incorrect_cvc": errors.IncorrectCardDetails,
    "incorrect_number": errors.IncorrectCardDetails,
    "invalid_expiry_month": errors.IncorrectCardDetails,
    "invalid_expiry_year": errors.IncorrectCardDetails,
    "authentication_required": errors.AuthenticationRequired,
}


def payer_error(code: str | None, decline_code: str | None) -> errors.PaymentError:
    """The payer-visible error for Stripe's ``code`` / ``decline_code`` (translated
    message of ours, Stripe's decline code kept in ``data``)."""
    decline_code = decline_code or ""
    cls = (_CARD_ERRORS.get(decline_code) or _CARD_ERRORS.get(code or "")
           or errors.CardDeclined)
    return cls(decline_code=decline_code or code or "")


def _fault(exc: stripe.StripeError) -> Exception:
    """Our exception for an SDK exception that is not a card error."""
    status = getattr(exc, "http_status", None)
    code = getattr(exc, "code", None) or ""
    if isinstance(exc, stripe.RateLimitError) or status == 429:
        return errors.GatewayRateLimited(str(exc))
    if isinstance(exc, stripe.APIConnectionError):
        text = str(exc).lower()
        if "timed out" in text or "timeout" in text:
            return errors.GatewayTimeout(str(exc))
        return errors.GatewayConnectionError(str(exc))
    if status == 409:  # idempotency_key_in_use: the first request is still running
        return errors.GatewayBusy(str(exc))
    if isinstance(exc, stripe.APIError) or (status or 0) >= 500:
        return errors.GatewayServerError(str(exc))
    if status == 404:
        return errors.GatewayNotFound(str(exc), code=code, status=status)
    return errors.GatewayRejected(getattr(exc, "user_message", None) or str(exc),
                                  code=code, status=status)


def _ts(value) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if value else None


def _meta(obj) -> dict[str, str]:
    metadata = obj.get("metadata") if obj is not None else None
    return {str(k): str(v) for k, v in (metadata or {}).items()}


def _card(pm) -> CardDetails | None:
    card = pm.get("card") if pm is not None and not isinstance(pm, str) else None
    if not card:
        return None
    return CardDetails(brand=card.get("brand") or "", last4=card.get("last4") or "",
                       exp_month=card.get("exp_month"), exp_year=card.get("exp_year"))


def _next_action_url(intent) -> str:
    action = intent.get("next_action") or {}
    if action.get("type") == "redirect_to_url":
        return (action.get("redirect_to_url") or {}).get("url") or ""
    if action.get("type") == "use_stripe_sdk":
        return (action.get("use_stripe_sdk") or {}).get("stripe_js") or ""
    return ""


def _id(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else value.get("id", "")


class StripeProvider(PaymentProvider):
    name = "stripe"

    def __init__(self, *, api_key: str | None = None, api_base: str | None = None,
                 webhook_secret: str | None = None, timeout: float | None = None):
        self.api_key = api_key if api_key is not None else settings.STRIPE_SECRET_KEY
        self.api_base = api_base if api_base is not None else settings.STRIPE_API_BASE
        self.webhook_secret = (webhook_secret if webhook_secret is not None
                               else settings.STRIPE_WEBHOOK_SECRET)
        options: dict = {
            "max_network_retries": 0,
            "http_client": stripe.RequestsClient(
                timeout=timeout or settings.STRIPE_TIMEOUT_SECONDS),
        }
        if self.api_base:
            options["base_addresses"] = {"api": self.api_base}
        self.client = stripe.StripeClient(self.api_key or "sk_test_unset", **options)

    # --- plumbing ----------------------------------------------------------------------
    def _call(self, fn, *args, **kwargs):
        assert_outside_transaction()
        try:
            return fn(*args, **kwargs)
        except stripe.CardError:
            raise
        except stripe.StripeError as exc:
            raise _fault(exc) from exc

    @staticmethod
    def _idem(key: str) -> dict:
        return {"idempotency_key": key}

    def describe(self) -> dict:
        return {"provider": self.name, "api_base": self.api_base or "https://api.stripe.com",
                "mode": "test" if self.api_key.startswith("sk_test_") else "live"}

    def ping(self) -> None:
        self._call(self.client.v1.balance.retrieve)

    # --- customers and saved cards -----------------------------------------------------
    def customer_ensure(self, request: CustomerRequest) -> str:
        customer = self._call(
            self.client.v1.customers.create,
            params={"email": request.email, "name": request.name,
                    "metadata": request.metadata},
            options=self._idem(request.idempotency_key),
        )
        return customer.id

    def _setup_result(self, intent, error: errors.PaymentError | None = None) -> SetupResult:
        pm = intent.get("payment_method")
        status = intent.get("status")
        if error is not None or status in ("requires_payment_method", "canceled"):
            last = intent.get("last_setup_error") or {}
            error = error or payer_error(last.get("code"), last.get("decline_code"))
            ours = "failed"
        elif status == "succeeded":
            ours = "succeeded"
        else:
            ours = "requires_action"
        return SetupResult(
            status=ours, setup_intent_id=intent.id, payment_method_id=_id(pm),
            card=_card(pm), client_secret=intent.get("client_secret") or "",
            next_action_url=_next_action_url(intent), error=error,
        )

    def payment_method_save(self, request: SetupRequest) -> SetupResult:
        params = {
            "customer": request.customer_id, "payment_method": request.payment_method,
            "confirm": True, "usage": "off_session", "payment_method_types": ["card"],
            "metadata": request.metadata, "expand": ["payment_method"],
        }
        if request.return_url:
            params["return_url"] = request.return_url
        try:
            intent = self._call(self.client.v1.setup_intents.create, params=params,
                                options=self._idem(request.idempotency_key))
        except stripe.CardError as exc:
            intent = exc.error.setup_intent if exc.error else None
            error = payer_error(exc.code, getattr(exc.error, "decline_code", None))
            if intent is None:
                return SetupResult(status="failed", setup_intent_id="", error=error)
            return self._setup_result(intent, error)
        return self._setup_result(intent)

    def setup_retrieve(self, setup_intent_id: str) -> SetupResult:
        intent = self._call(self.client.v1.setup_intents.retrieve, setup_intent_id,
                            params={"expand": ["payment_method"]})
        return self._setup_result(intent)

    def payment_method_detach(self, payment_method_id: str) -> None:
        try:
            self._call(self.client.v1.payment_methods.detach, payment_method_id)
        except errors.GatewayRejected as exc:
            # already detached (or never attached): what we wanted
            if exc.status not in (400, 404):
                raise

    # --- payments ------------------------------------------------------------------
    def _payment_result(self, intent, error: errors.PaymentError | None = None) -> PaymentResult:
        currency = intent.get("currency", "").upper()
        status = intent.get("status")
        last = intent.get("last_payment_error")
        authorised = False
        if status == "succeeded":
            ours = "succeeded"
        elif status == "requires_capture":
            ours, authorised = "processing", True
        elif status == "processing":
            ours = "processing"
        elif status == "requires_action":
            ours = "requires_action"
        elif status == "canceled":
            ours = "canceled"
        elif status == "requires_payment_method" and (last or error):
            ours = "failed"
            error = error or payer_error(last.get("code"), last.get("decline_code"))
        else:
            ours = "created"
        received = intent.get("amount_received")
        return PaymentResult(
            status=ours, payment_id=intent.id,
            amount=Money.from_minor_units(int(intent.get("amount") or 0), currency),
            amount_received=(Money.from_minor_units(int(received), currency)
                             if received else None),
            charge_id=_id(intent.get("latest_charge")), authorised=authorised,
            client_secret=intent.get("client_secret") or "",
            next_action_url=_next_action_url(intent), created=_ts(intent.get("created")),
            metadata=_meta(intent), error=error,
        )

    def charge(self, request: ChargeRequest) -> PaymentResult:
        params = {
            "amount": request.amount.to_minor_units(),
            "currency": request.amount.currency.lower(),
            "payment_method": request.payment_method, "confirm": True,
            "payment_method_types": ["card"],
            "capture_method": "automatic" if request.capture else "manual",
            "metadata": request.metadata,
        }
        if request.customer_id:
            params["customer"] = request.customer_id
        if request.description:
            params["description"] = request.description
        if request.off_session:
            params["off_session"] = True
        elif request.return_url:
            params["return_url"] = request.return_url
        try:
            intent = self._call(self.client.v1.payment_intents.create, params=params,
                                options=self._idem(request.idempotency_key))
        except stripe.CardError as exc:
            error = payer_error(exc.code, getattr(exc.error, "decline_code", None))
            intent = exc.error.payment_intent if exc.error else None
            if intent is None:
                return PaymentResult(status="failed", payment_id="", amount=request.amount,
                                     error=error)
            return self._payment_result(intent, error)
        return self._payment_result(intent)

    def payment_retrieve(self, payment_id: str) -> PaymentResult:
        return self._payment_result(self._call(self.client.v1.payment_intents.retrieve,
                                               payment_id))

    def capture(self, payment_id: str, *, amount: Money | None,
                idempotency_key: str) -> PaymentResult:
        params = {"amount_to_capture": amount.to_minor_units()} if amount is not None else {}
        return self._payment_result(self._call(
            self.client.v1.payment_intents.capture, payment_id, params=params,
            options=self._idem(idempotency_key)))

    def cancel(self, payment_id: str, *, idempotency_key: str) -> PaymentResult:
        return self._payment_result(self._call(
            self.client.v1.payment_intents.cancel, payment_id,
            options=self._idem(idempotency_key)))

    def _listed(self, service, created_from: datetime, created_to: datetime):
        page = self._call(service.list, params={
            "created": {"gte": int(created_from.timestamp()),
                        "lte": int(created_to.timestamp())},
            "limit": 100,
        })
        while True:
            yield from page.data
            if not page.has_more or not page.data:
                return
            page = self._call(service.list, params={
                "created": {"gte": int(created_from.timestamp()),
                            "lte": int(created_to.timestamp())},
                "limit": 100, "starting_after": page.data[-1].id,
            })

    def payments_list(self, *, created_from, created_to) -> Iterator[PaymentResult]:
        for intent in self._listed(self.client.v1.payment_intents, created_from, created_to):
            yield self._payment_result(intent)

    # --- refunds -------------------------------------------------------------------
    @staticmethod
    def _refund_result(refund) -> RefundResult:
        status = refund.get("status")
        ours = {"succeeded": "succeeded", "failed": "failed", "canceled": "failed"}.get(
            status, "pending")
        return RefundResult(
            status=ours, refund_id=refund.id,
            amount=Money.from_minor_units(int(refund.get("amount") or 0),
                                          refund.get("currency", "").upper()),
            payment_id=_id(refund.get("payment_intent")), created=_ts(refund.get("created")),
            metadata=_meta(refund), failure_code=refund.get("failure_reason") or "",
        )

    def refund(self, request: RefundRequest) -> RefundResult:
        params = {"payment_intent": request.payment_id,
                  "amount": request.amount.to_minor_units(), "metadata": request.metadata}
        return self._refund_result(self._call(self.client.v1.refunds.create, params=params,
                                              options=self._idem(request.idempotency_key)))

    def refund_retrieve(self, refund_id: str) -> RefundResult:
        return self._refund_result(self._call(self.client.v1.refunds.retrieve, refund_id))

    def refunds_list(self, *, created_from, created_to) -> Iterator[RefundResult]:
        for refund in self._listed(self.client.v1.refunds, created_from, created_to):
            yield self._refund_result(refund)

    # --- Connect -------------------------------------------------------------------
    @staticmethod
    def _account_result(account) -> AccountResult:
        requirements = account.get("requirements") or {}
        capabilities = account.get("capabilities") or {}
        return AccountResult(
            account_id=account.id,
            details_submitted=bool(account.get("details_submitted")),
            charges_enabled=bool(account.get("charges_enabled")),
            payouts_enabled=bool(account.get("payouts_enabled")),
            transfers_active=capabilities.get("transfers") == "active",
            disabled_reason=requirements.get("disabled_reason") or "",
            requirements_due=tuple(requirements.get("currently_due") or ()),
            metadata=_meta(account),
        )

    def account_create(self, request: AccountRequest) -> AccountResult:
        params = {
            "type": "express", "country": request.country, "metadata": request.metadata,
            "capabilities": {"card_payments": {"requested": True},
                             "transfers": {"requested": True}},
        }
        if request.email:
            params["email"] = request.email
        return self._account_result(self._call(self.client.v1.accounts.create, params=params,
                                               options=self._idem(request.idempotency_key)))

    def account_retrieve(self, account_id: str) -> AccountResult:
        return self._account_result(self._call(self.client.v1.accounts.retrieve, account_id))

    def account_onboarding_link(self, account_id: str, *, refresh_url: str,
                                return_url: str) -> str:
        link = self._call(self.client.v1.account_links.create, params={
            "account": account_id, "refresh_url": refresh_url, "return_url": return_url,
            "type": "account_onboarding",
        })
        return link.url

    @staticmethod
    def _transfer_result(transfer) -> TransferResult:
        return TransferResult(
            transfer_id=transfer.id,
            amount=Money.from_minor_units(int(transfer.get("amount") or 0),
                                          transfer.get("currency", "").upper()),
            account_id=_id(transfer.get("destination")),
            reversed=bool(transfer.get("reversed")), created=_ts(transfer.get("created")),
            metadata=_meta(transfer),
        )

    def transfer(self, request: TransferRequest) -> TransferResult:
        params = {"amount": request.amount.to_minor_units(),
                  "currency": request.amount.currency.lower(),
                  "destination": request.account_id, "metadata": request.metadata}
        if request.transfer_group:
            params["transfer_group"] = request.transfer_group
        return self._transfer_result(self._call(self.client.v1.transfers.create, params=params,
                                                options=self._idem(request.idempotency_key)))

    def transfer_retrieve(self, transfer_id: str) -> TransferResult:
        return self._transfer_result(self._call(self.client.v1.transfers.retrieve, transfer_id))

    def transfers_list(self, *, created_from, created_to) -> Iterator[TransferResult]:
        for transfer in self._listed(self.client.v1.transfers, created_from, created_to):
            yield self._transfer_result(transfer)

    # --- webhooks ------------------------------------------------------------------
    def webhook_parse(self, payload: bytes, signature: str) -> WebhookEventData:
        if not self.webhook_secret:
            raise errors.InvalidWebhook(errors.WEBHOOK_NOT_CONFIGURED, code="webhook_not_configured")
        if not signature:
            raise errors.InvalidWebhook(errors.SIGNATURE_MISSING, code="signature_missing")
        try:
            event = stripe.Webhook.construct_event(payload, signature, self.webhook_secret)
        except stripe.SignatureVerificationError as exc:
            raise errors.InvalidWebhook(errors.SIGNATURE_INVALID, code="signature_invalid") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise errors.InvalidWebhook(errors.MALFORMED_EVENT, code="malformed_payload") from exc
        raw = json.loads(payload)  # verified above: the bytes Stripe signed, as plain JSON
        obj = ((raw.get("data") or {}).get("object")) or {}
        if not isinstance(obj, dict) or not raw.get("id") or not raw.get("type"):
            raise errors.InvalidWebhook(errors.MALFORMED_EVENT, code="malformed_payload")
        return WebhookEventData(
            event_id=event.id, type=event.type, object_type=str(obj.get("object") or ""),
            object_id=str(obj.get("id") or ""), livemode=bool(raw.get("livemode")),
            payload=raw, object_metadata={str(k): str(v) for k, v in
                                          (obj.get("metadata") or {}).items()},
        )
