"""The outbox: after-commit work that is never lost.

``TransactionAwareTask.apply_async`` does not talk to the broker inside a transaction. It
writes an ``OutboxMessage`` in the caller's transaction and hands the message to the
broker after commit (``deliver``). When the broker is down at that moment (or the process
dies between commit and hand-over), the row stays, and the chronograph's relay
(``outbox_relay``) sends it again later with backoff. A row is deleted only once the broker
took the message, so every task asked for by a committed change is enqueued at least once;
tasks are idempotent, so the rare second delivery (a crash between send and delete) is
harmless.

The relay never holds a row lock while it talks to the broker: a short transaction claims
due rows by pushing their ``next_attempt_at`` a lease ahead (``SKIP LOCKED``, so several
workers share the work), then each is sent outside any transaction.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import Task
from django.db import transaction
from django.utils import timezone
from kombu.utils.json import dumps, loads

from marketplace.celery import app
from marketplace.core.chronograph import deadline_handler
from marketplace.core.outbox_models import OutboxMessage

logger = logging.getLogger(__name__)

# The first send happens at commit; the relay waits this long before it tries itself, so
# the two do not race on a healthy broker.
FIRST_RETRY_AFTER = timedelta(seconds=60)
LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=1)
BATCH = 200


def outbox_store(task_name: str, args, kwargs, options) -> OutboxMessage:
    """Record a task to send (in the caller's transaction, if any)."""
    return OutboxMessage.objects.create(
        task=task_name,
        payload=dumps({"args": list(args or ()), "kwargs": dict(kwargs or {}),
                       "options": dict(options or {})}),
        next_attempt_at=timezone.now() + FIRST_RETRY_AFTER,
    )


def _send(message: OutboxMessage):
    data = loads(message.payload)
    task = app.tasks[message.task]
    # Celery's own apply_async: this call must reach the broker, not the outbox again
    return Task.apply_async(task, data["args"], data["kwargs"], **data["options"])


def deliver(message_id: int, *, eager: bool = False):
    """Hand one stored message to the broker and delete it; on a broker failure keep it
    for the relay (logged, never raised: the change it belongs to is committed). In eager
    mode (tests, ``CELERY_TASK_ALWAYS_EAGER``) the row goes first and the task runs here,
    its errors propagating as Celery's eager mode wants."""
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None:
        return None
    if eager:
        message.delete()
        return _send(message)
    try:
        result = _send(message)
    except Exception as exc:  # broker down, network, serialisation: the relay retries
        logger.warning("outbox: sending %s #%s failed: %r", message.task, message.pk, exc)
        _failed(message, exc)
        return None
    OutboxMessage.objects.filter(pk=message.pk).delete()
    return result


def _failed(message: OutboxMessage, exc: Exception) -> None:
    attempts = message.attempts + 1
    backoff = min(FIRST_RETRY_AFTER * (2 ** min(attempts, 10)), MAX_BACKOFF)
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=attempts, last_error=repr(exc)[:2000],
        next_attempt_at=timezone.now() + backoff,
    )


def _claim(now: datetime) -> list[OutboxMessage]:
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.filter(next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)[:BATCH]
        )
        if rows:
            OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).update(
                next_attempt_at=now + LEASE
            )
    return rows


@deadline_handler("core.outbox_relay")
def outbox_relay(now: datetime) -> int:
    """Send every message whose first hand-over failed or never happened. Returns how
    many reached the broker."""
    sent = 0
    while True:
        rows = _claim(now)
        for message in rows:
            try:
                _send(message)
            except Exception as exc:
                logger.warning("outbox relay: %s #%s failed again: %r",
                               message.task, message.pk, exc)
                _failed(message, exc)
                continue
            OutboxMessage.objects.filter(pk=message.pk).delete()
            sent += 1
        if len(rows) < BATCH:
            return sent
