"""Deadline handlers of payments, run by the chronograph.

``payments.resume`` finds attempts, refunds and payouts whose provider call never got a
recorded answer (a crash, an outage that outlasted the retries) and enqueues their task
again. It holds its ``SKIP LOCKED`` rows only long enough to enqueue (through the outbox)
and touch ``updated_at`` so the row is not due again at once; the provider is called by the
task, after commit, never under these locks.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from marketplace.core.chronograph import deadline_handler, process_due
from marketplace.core.tasks import enqueue
from marketplace.payments.models import PaymentAttempt, Payout, Provider, Refund

A = PaymentAttempt.Status


def _touch(obj) -> None:
    obj.save(update_fields=["updated_at"])


def _resume(task: str):
    def handle(obj) -> None:
        enqueue(task, obj.pk)
        _touch(obj)

    return handle


@deadline_handler("payments.resume")
def payments_resume(now: datetime) -> int:
    before = now - timedelta(seconds=settings.PAYMENTS_RESUME_AFTER_SECONDS)
    stripe = PaymentAttempt.objects.filter(provider=Provider.STRIPE, updated_at__lt=before)
    moved = process_due(
        stripe.filter(status=A.CREATED, provider_calls__gt=0).order_by("pk"),
        _resume("marketplace.payments.tasks.attempt_confirm"))
    moved += process_due(
        stripe.filter(status=A.PROCESSING, authorised=False).order_by("pk"),
        _resume("marketplace.payments.tasks.attempt_sync"))
    moved += process_due(
        Refund.objects.filter(status=Refund.Status.PENDING, updated_at__lt=before).order_by("pk"),
        _resume("marketplace.payments.tasks.refund_send"))
    moved += process_due(
        Payout.objects.filter(status=Payout.Status.APPROVED, updated_at__lt=before)
        .order_by("pk"),
        _resume("marketplace.payments.tasks.payout_send"))
    return moved
