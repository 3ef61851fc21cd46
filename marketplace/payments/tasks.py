"""Payments tasks. They take ids, are enqueued on commit through the outbox, and are
idempotent: each re-reads its record and does nothing when the work is already done.
Gateway faults that outlast the in-process retries are retried by Celery with backoff;
every retry reuses the record's idempotency key."""

from marketplace.celery import app
from marketplace.core.tasks import TransactionAwareTask
from marketplace.payments.errors import GatewayFault, PaymentsUnavailable
from marketplace.payments.models import PaymentAttempt, Payout, Refund

RETRY = {"autoretry_for": (GatewayFault, PaymentsUnavailable), "retry_backoff": 30,
         "retry_backoff_max": 3600, "max_retries": 8, "base": TransactionAwareTask}


@app.task(name="marketplace.payments.tasks.attempt_confirm", **RETRY)
def attempt_confirm(attempt_id: int) -> str:
    from marketplace.payments.services.attempts import attempt_confirm as confirm

    attempt = PaymentAttempt.objects.filter(pk=attempt_id).first()
    return confirm(attempt=attempt).status if attempt else "missing"


@app.task(name="marketplace.payments.tasks.attempt_sync", **RETRY)
def attempt_sync(attempt_id: int) -> str:
    from marketplace.payments.services.attempts import attempt_sync as sync

    attempt = PaymentAttempt.objects.filter(pk=attempt_id).first()
    return sync(attempt=attempt).status if attempt else "missing"


@app.task(name="marketplace.payments.tasks.refund_send", **RETRY)
def refund_send(refund_id: int) -> str:
    from marketplace.payments.services.refunds import refund_sync

    refund = Refund.objects.filter(pk=refund_id).first()
    return refund_sync(refund=refund).status if refund else "missing"


@app.task(name="marketplace.payments.tasks.payout_send", **RETRY)
def payout_send(payout_id: int) -> str:
    from marketplace.payments.services.payouts import payout_send as send

    payout = Payout.objects.filter(pk=payout_id).first()
    return send(payout=payout).status if payout else "missing"


@app.task(name="marketplace.payments.tasks.payment_method_detach", **RETRY)
def payment_method_detach(method_id: int) -> bool:
    from marketplace.payments.services.methods import payment_method_detach as detach

    return detach(method_id=method_id)


@app.task(name="marketplace.payments.tasks.webhook_process", **RETRY)
def webhook_process(event_id: int) -> str:
    from marketplace.payments.services.webhooks import webhook_process as process

    return process(event_id=event_id).status


@app.task(name="marketplace.payments.tasks.reconcile", base=TransactionAwareTask)
def reconcile() -> int:
    from marketplace.payments.services.reconciliation import reconcile as run

    return run().differences_found


@app.task(name="marketplace.payments.tasks.demo_provision", **RETRY)
def demo_provision() -> dict:
    from marketplace.payments.demo import demo_provision as provision

    return provision()

