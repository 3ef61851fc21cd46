"""Task base and the periodic chronograph task.

``TransactionAwareTask``: ``delay()``/``apply_async()`` called inside a transaction wait
for the commit (and never run if it rolls back); arguments must be ids and plain values,
never model instances, so a task reads fresh rows and can be retried idempotently.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime
from decimal import Decimal

from celery import Task
from django.db import transaction

from marketplace.celery import app

logger = logging.getLogger(__name__)

_PLAIN = (int, str, float, bool, type(None), uuid.UUID, Decimal, date, datetime)


def _check_plain(value, path="args"):
    if isinstance(value, _PLAIN):
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_plain(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _check_plain(item, f"{path}[{key!r}]")
        return
    raise TypeError(f"task {path} must be ids or plain values, got {type(value).__name__}")


class TransactionAwareTask(Task):
    abstract = True

    def apply_async(self, args=None, kwargs=None, **options):
        _check_plain(list(args or ()))
        _check_plain(dict(kwargs or {}), "kwargs")
        connection = transaction.get_connection()
        # Task.retry() re-sends with a "retries" option, often from inside the task's own
        # transaction that its Retry exception is about to roll back: waiting for that
        # commit would lose the retry, so a retry goes at once.
        if connection.in_atomic_block and "retries" not in options:
            # robust: the data is committed by then; a broker hiccup must not turn the
            # request into an error page. Django logs the failure; tasks are idempotent
            # and the chronograph re-scans what is due.
            transaction.on_commit(
                lambda: super(TransactionAwareTask, self).apply_async(args, kwargs, **options),
                robust=True,
            )
            return None
        return super().apply_async(args, kwargs, **options)


# marketplace/celery.py names this class as the app's task_cls; keep the assignment for
# tasks declared before the app was finalised.
app.Task = TransactionAwareTask


@app.task(name="marketplace.core.tasks.chronograph_tick", base=TransactionAwareTask)
def chronograph_tick() -> dict:
    from marketplace.core.chronograph import run_due_handlers

    return run_due_handlers()
