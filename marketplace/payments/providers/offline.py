"""Offline treasury transfers: government money that never touches a card.

An agency pays by treasury transfer (国库集中支付) outside the platform; the platform
records the transfer (reference and document) and an approver of the paying agency
confirms it with MFA (``services.offline``). There is no network call and no webhook;
this provider only gives the records the same shape as card payments (ids, results), so
refunds and the ledger treat both alike. Treasury refunds are recorded the same way: a
refund of an offline attempt is a recorded transfer back, succeeded when recorded.
"""

from __future__ import annotations

from marketplace.payments import errors
from marketplace.payments.providers.base import (
    ChargeRequest,
    PaymentProvider,
    PaymentResult,
    RefundRequest,
    RefundResult,
)


class OfflineTreasuryProvider(PaymentProvider):
    name = "offline"

    def describe(self) -> dict:
        return {"provider": self.name}

    def ping(self) -> None:
        return None

    def charge(self, request: ChargeRequest) -> PaymentResult:
        # recorded, waiting for the paying agency's approver
        return PaymentResult(status="requires_action", payment_id=f"treasury-{request.idempotency_key}",
                             amount=request.amount, metadata=dict(request.metadata))

    def refund(self, request: RefundRequest) -> RefundResult:
        return RefundResult(status="succeeded", refund_id=f"treasury-{request.idempotency_key}",
                            amount=request.amount, payment_id=request.payment_id,
                            metadata=dict(request.metadata))

    def _unsupported(self, *args, **kwargs):
        raise errors.GatewayRejected("treasury transfers support no such call",
                                     code="unsupported")

    customer_ensure = payment_method_save = setup_retrieve = payment_method_detach = _unsupported
    capture = cancel = payment_retrieve = refund_retrieve = _unsupported
    account_create = account_retrieve = account_onboarding_link = _unsupported
    transfer = transfer_retrieve = webhook_parse = _unsupported

    def payments_list(self, **kwargs):
        return iter(())

    refunds_list = transfers_list = payments_list
