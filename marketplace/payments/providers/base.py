"""The payment provider interface: typed requests and results (as Saleor's
``payment/interface.py``), one method per thing we ask of a provider.

Contract for every implementation:

* Amounts are ``Money``; converting to minor units happens inside the provider, only there.
* Every call that changes something takes an ``idempotency_key`` derived from our own
  record (``attempt-<uuid>``); sending the same request again with the same key must not
  do the work twice. The services reuse the key on every retry.
* A provider is never called inside a database transaction (the two-transaction rule):
  implementations call ``assert_outside_transaction()`` first.
* Refusals the payer can act on raise a ``PaymentError`` (``payments.errors``) or come
  back as a result with ``status="failed"`` and its ``error``; faults of the provider
  (rate limit, 5xx, timeout, lost connection, busy key) raise ``GatewayFault`` subclasses
  and are retried by the caller; malformed requests raise ``GatewayRejected``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

from marketplace.core.money import Money
from marketplace.payments.errors import PaymentError


class ProviderCalledInTransaction(AssertionError):
    """A provider was called while a database transaction was open (a programming
    error: the two-transaction rule)."""


def in_transaction() -> bool:
    """A transaction of ours is open. The block a test case wraps each test in (Django's
    ``TestCase``, pytest-django's ``db``) is not one: it only stands in for the database
    state between tests, and our code runs as if outside it."""
    return any(not getattr(block, "_from_testcase", False)
               for block in connection.atomic_blocks)


def assert_outside_transaction() -> None:
    if in_transaction():
        raise ProviderCalledInTransaction(
            "a payment provider call inside a database transaction: create the record in "
            "one transaction, call the provider after commit, record the result in another"
        )


@dataclass(frozen=True)
class CardDetails:
    brand: str = ""
    last4: str = ""
    exp_month: int | None = None
    exp_year: int | None = None


@dataclass(frozen=True)
class CustomerRequest:
    idempotency_key: str
    email: str = ""
    name: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SetupRequest:
    """Save ``payment_method`` (a token or test payment method such as ``pm_card_visa``)
    on ``customer_id`` for later off-session charges."""

    idempotency_key: str
    customer_id: str
    payment_method: str
    return_url: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SetupResult:
    status: str  # succeeded | requires_action | failed
    setup_intent_id: str
    payment_method_id: str = ""
    card: CardDetails | None = None
    client_secret: str = ""
    next_action_url: str = ""
    error: PaymentError | None = None


@dataclass(frozen=True)
class ChargeRequest:
    idempotency_key: str
    amount: Money
    payment_method: str
    customer_id: str = ""
    off_session: bool = False
    capture: bool = True
    return_url: str = ""
    description: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentResult:
    """A payment as the provider sees it now. ``status`` is one of ours: requires_action,
    processing (also: authorised, waiting for capture, with ``authorised``), succeeded,
    failed, canceled (``created`` when it was not confirmed yet)."""

    status: str
    payment_id: str
    amount: Money
    charge_id: str = ""
    amount_received: Money | None = None
    authorised: bool = False
    client_secret: str = ""
    next_action_url: str = ""
    created: datetime | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    error: PaymentError | None = None


@dataclass(frozen=True)
class RefundRequest:
    idempotency_key: str
    payment_id: str
    amount: Money
    reason: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundResult:
    status: str  # pending | succeeded | failed
    refund_id: str
    amount: Money
    payment_id: str = ""
    created: datetime | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    failure_code: str = ""


@dataclass(frozen=True)
class AccountRequest:
    idempotency_key: str
    country: str
    email: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AccountResult:
    account_id: str
    details_submitted: bool = False
    charges_enabled: bool = False
    payouts_enabled: bool = False
    transfers_active: bool = False
    disabled_reason: str = ""
    requirements_due: tuple[str, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TransferRequest:
    idempotency_key: str
    account_id: str
    amount: Money
    transfer_group: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TransferResult:
    transfer_id: str
    amount: Money
    account_id: str = ""
    reversed: bool = False
    created: datetime | None = None
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WebhookEventData:
    """A verified event: what it says happened, and to which object. Processing treats
    it as a hint and re-reads the object."""

    event_id: str
    type: str
    object_type: str
    object_id: str
    livemode: bool
    payload: dict
    object_metadata: dict[str, str] = field(default_factory=dict)


class PaymentProvider:
    """What the payments services ask of a card provider (see the module docstring)."""

    name: str = ""

    # customers and saved cards
    def customer_ensure(self, request: CustomerRequest) -> str:
        raise NotImplementedError

    def payment_method_save(self, request: SetupRequest) -> SetupResult:
        raise NotImplementedError

    def setup_retrieve(self, setup_intent_id: str) -> SetupResult:
        raise NotImplementedError

    def payment_method_detach(self, payment_method_id: str) -> None:
        raise NotImplementedError

    # payments
    def charge(self, request: ChargeRequest) -> PaymentResult:
        raise NotImplementedError

    def payment_retrieve(self, payment_id: str) -> PaymentResult:
        raise NotImplementedError

    def payment_find(self, *, attempt_key: str, created_after: datetime) -> PaymentResult | None:
        """The payment created for ``attempt_key`` (our metadata), if the provider has
        one: for a charge whose answer was lost before we learned the payment's id."""
        raise NotImplementedError

    def capture(self, payment_id: str, *, amount: Money | None, idempotency_key: str) -> PaymentResult:
        raise NotImplementedError

    def cancel(self, payment_id: str, *, idempotency_key: str) -> PaymentResult:
        raise NotImplementedError

    def payments_list(self, *, created_from: datetime, created_to: datetime) -> Iterator[PaymentResult]:
        raise NotImplementedError

    # refunds
    def refund(self, request: RefundRequest) -> RefundResult:
        raise NotImplementedError

    def refund_retrieve(self, refund_id: str) -> RefundResult:
        raise NotImplementedError

    def refunds_list(self, *, created_from: datetime, created_to: datetime) -> Iterator[RefundResult]:
        raise NotImplementedError

    # payees (Connect)
    def account_create(self, request: AccountRequest) -> AccountResult:
        raise NotImplementedError

    def account_retrieve(self, account_id: str) -> AccountResult:
        raise NotImplementedError

    def account_onboarding_link(self, account_id: str, *, refresh_url: str, return_url: str) -> str:
        raise NotImplementedError

    def transfer(self, request: TransferRequest) -> TransferResult:
        raise NotImplementedError

    def transfer_retrieve(self, transfer_id: str) -> TransferResult:
        raise NotImplementedError

    def transfers_list(self, *, created_from: datetime, created_to: datetime) -> Iterator[TransferResult]:
        raise NotImplementedError

    # webhooks
    def webhook_parse(self, payload: bytes, signature: str) -> WebhookEventData:
        """Verify the signature and parse; raise ``InvalidWebhook`` when either fails."""
        raise NotImplementedError

    def describe(self) -> dict:
        """What /healthz may show (the API base, never a key)."""
        return {"provider": self.name}

    def ping(self) -> None:
        """Raise a ``GatewayFault`` when the provider cannot be reached."""
        raise NotImplementedError
