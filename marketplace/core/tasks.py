"""Task base and the periodic chronograph task.

``TransactionAwareTask``: ``delay()``/``apply_async()`` called inside a transaction wait
for the commit (and never run if it rolls back), through the outbox, so a broker outage
loses nothing; arguments must be ids and plain values, never model instances, so a task
reads fresh rows and can be retried idempotently.

``enqueue(name, ...)`` sends a task by its registered name: services use it, so they never
import their app's tasks module (tasks import services, never the other way round).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from celery import Task
from django.db import transaction

from marketplace.celery import app
from marketplace.core.outbox import deliver, outbox_store

_PLAIN = (int, str, float, bool, type(None), uuid.UUID, Decimal, date, datetime)
_DIRECT_OPTIONS = frozenset({"retries", "producer", "connection", "link", "link_error", "chain"})


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
    """Enqueue through the outbox (``core.outbox``): inside a transaction the task is
    recorded with the transaction and handed to the broker after commit (never if it rolls
    back); outside one it is recorded and handed over at once. Either way a broker that is
    down loses nothing: the chronograph's relay sends it later."""

    abstract = True

    def apply_async(self, args=None, kwargs=None, **options):
        _check_plain(list(args or ()))
        _check_plain(dict(kwargs or {}), "kwargs")
        # Task.retry() re-sends with a "retries" option, often from inside the task's own
        # transaction that its Retry exception is about to roll back: recording it there
        # would lose the retry, so a retry goes to the broker at once. Celery's own callers
        # (beat passes its producer) talk to the broker directly too.
        if options.keys() & _DIRECT_OPTIONS:
            return super().apply_async(args, kwargs, **options)
        message = outbox_store(self.name, args, kwargs, options)
        eager = bool(self.app.conf.task_always_eager)
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(lambda: deliver(message.pk, eager=eager), robust=True)
            return None
        return deliver(message.pk, eager=eager)


# marketplace/celery.py names this class as the app's task_cls; keep the assignment for
# tasks declared before the app was finalised.
app.Task = TransactionAwareTask


@app.task(name="marketplace.core.tasks.chronograph_tick", base=TransactionAwareTask)
def chronograph_tick() -> dict:
    from marketplace.core.chronograph import run_due_handlers

    return run_due_handlers()


def enqueue(task_name: str, *args, **kwargs):
    """Send the registered task ``task_name`` with plain ``args``/``kwargs`` (through the
    outbox, after commit). The task must be registered: each app's ``ready()`` imports
    its ``tasks`` module."""
    try:
        task = app.tasks[task_name]
    except KeyError as exc:
        raise LookupError(f"no task registered as {task_name!r}") from exc
    return task.apply_async(args, kwargs)
