"""Voucher tasks: ids in, enqueued on commit through the outbox, idempotent."""

from marketplace.celery import app
from marketplace.core.tasks import TransactionAwareTask
from vouchers.services.notify import NOTIFY_APPLICANT_TASK, applicant_notify_of_decision


@app.task(name=NOTIFY_APPLICANT_TASK, base=TransactionAwareTask)
def notify_applicant(application_id: int) -> int:
    return applicant_notify_of_decision(application_id=application_id)
