"""Voucher tasks: ids in, enqueued on commit through the outbox, idempotent."""

from marketplace.celery import app
from marketplace.core.tasks import TransactionAwareTask
from vouchers.services.notify import (
    NOTIFY_APPLICANT_TASK,
    NOTIFY_PROVIDER_PAID_TASK,
    applicant_notify_of_decision,
    provider_notify_of_payment,
)


@app.task(name=NOTIFY_APPLICANT_TASK, base=TransactionAwareTask)
def notify_applicant(application_id: int) -> int:
    return applicant_notify_of_decision(application_id=application_id)


@app.task(name=NOTIFY_PROVIDER_PAID_TASK, base=TransactionAwareTask)
def notify_provider_paid(payout_id: int) -> int:
    return provider_notify_of_payment(payout_id=payout_id)
