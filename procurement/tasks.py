"""Procurement tasks: ids in, enqueued on commit through the outbox, idempotent."""

from marketplace.celery import app
from marketplace.core.tasks import TransactionAwareTask
from procurement.services.notify import supplier_notify_of_notice
from procurement.services.requests import NOTIFY_SUPPLIER_TASK


@app.task(name=NOTIFY_SUPPLIER_TASK, base=TransactionAwareTask)
def notify_supplier(request_id: int) -> int:
    return supplier_notify_of_notice(request_id=request_id)
