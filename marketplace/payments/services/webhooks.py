"""Provider webhooks: verified, stored once by event id, processed by a task.

``webhook_receive`` verifies the signature (a bad or missing one is a 400 and nothing is
stored), stores the event once (a duplicate delivery only counts itself) and enqueues its
processing after commit. ``webhook_process`` treats the event as a hint: it finds our
record (by the provider's id, else by the uid we put in the object's metadata), re-reads
the object from the provider outside any transaction and records what it says through the
record's own idempotent ``*_record`` function. Duplicates and out-of-order deliveries
(``payment_intent.succeeded`` before our own confirm call returned) therefore end in the
same state; events for objects we do not know are recorded as ``ignored`` and answered 200.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from marketplace.core.tasks import enqueue
from marketplace.core.transitions import transition
from marketplace.payments.errors import GatewayFault, GatewayNotFound, PaymentsUnavailable
from marketplace.payments.models import (
    ConnectedAccount,
    PaymentAttempt,
    Payout,
    Refund,
    SavedPaymentMethod,
    WebhookEvent,
)
from marketplace.payments.providers import get_provider
from marketplace.payments.providers.base import WebhookEventData
from marketplace.payments.services.accounts import payout_account_sync
from marketplace.payments.services.attempts import attempt_sync
from marketplace.payments.services.methods import payment_method_sync
from marketplace.payments.services.payouts import payout_sync
from marketplace.payments.services.refunds import refund_sync
from marketplace.payments.states import EVENT_STATES

logger = logging.getLogger(__name__)
E = WebhookEvent.Status
PROCESS_TASK = "marketplace.payments.tasks.webhook_process"


def webhook_receive(*, payload: bytes, signature: str) -> tuple[WebhookEvent, bool]:
    """Verify and store one delivery; returns (event, first time seen)."""
    data: WebhookEventData = get_provider("stripe").webhook_parse(payload, signature)
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                event_id=data.event_id, type=data.type[:100],
                object_type=data.object_type[:50], object_id=data.object_id[:100],
                livemode=data.livemode, payload=data.payload)
            enqueue(PROCESS_TASK, event.pk)
    except IntegrityError:
        # the same event again (a retry, a duplicate, two at once): count it; process it
        # again only if its first processing failed
        with transaction.atomic():
            event = WebhookEvent.objects.select_for_update().get(event_id=data.event_id)
            WebhookEvent.objects.filter(pk=event.pk).update(deliveries=F("deliveries") + 1)
            if event.status == E.FAILED:
                enqueue(PROCESS_TASK, event.pk)
        return event, False
    return event, True


def _metadata(event: WebhookEvent) -> dict:
    obj = (event.payload.get("data") or {}).get("object") or {}
    return obj.get("metadata") or {}


def _object(event: WebhookEvent) -> dict:
    return (event.payload.get("data") or {}).get("object") or {}


def _find_attempt(event: WebhookEvent) -> PaymentAttempt | None:
    obj = _object(event)
    payment_id = event.object_id if event.object_type == "payment_intent" else str(
        obj.get("payment_intent") or "")
    uid = _metadata(event).get("attempt") if event.object_type == "payment_intent" else None
    found = None
    if payment_id:
        found = PaymentAttempt.objects.filter(provider_payment_id=payment_id).first()
    if found is None and uid:
        found = PaymentAttempt.objects.filter(uid=_uuid(uid)).first() if _uuid(uid) else None
    return found


def _uuid(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _by_uid_or_id(model, id_field: str, provider_id: str, uid: str | None):
    found = model.objects.filter(**{id_field: provider_id}).first() if provider_id else None
    if found is None and uid and _uuid(uid):
        found = model.objects.filter(uid=_uuid(uid)).first()
    return found


def _handle(event: WebhookEvent) -> bool:
    """Re-read the object the event names and record it; False when it is not ours."""
    kind, obj_id, meta = event.object_type, event.object_id, _metadata(event)
    if kind in ("payment_intent", "charge"):
        attempt = _find_attempt(event)
        if attempt is None:
            return False
        payment_id = obj_id if kind == "payment_intent" else str(_object(event).get(
            "payment_intent") or "")
        attempt_sync(attempt=attempt, payment_id=payment_id)
        if kind == "charge":  # charge.refunded: follow the refunds of that payment too
            for refund in attempt.refunds.filter(status=Refund.Status.PENDING):
                refund_sync(refund=refund)
        return True
    if kind == "refund":
        refund = _by_uid_or_id(Refund, "provider_refund_id", obj_id, meta.get("refund"))
        if refund is None:
            return False
        if not refund.provider_refund_id:
            Refund.objects.filter(pk=refund.pk, provider_refund_id="").update(
                provider_refund_id=obj_id)
        refund_sync(refund=refund)
        return True
    if kind == "account":
        account = _by_uid_or_id(ConnectedAccount, "provider_account_id", obj_id,
                                meta.get("account"))
        if account is None:
            return False
        payout_account_sync(account=account)
        return True
    if kind == "transfer":
        payout = _by_uid_or_id(Payout, "provider_transfer_id", obj_id, meta.get("payout"))
        if payout is None:
            return False
        payout_sync(payout=payout)
        return True
    if kind == "setup_intent":
        method = _by_uid_or_id(SavedPaymentMethod, "provider_setup_intent_id", obj_id,
                               meta.get("payment_method"))
        if method is None:
            return False
        payment_method_sync(method=method)
        return True
    return False


def _finish(event: WebhookEvent, target: str, error: str = "") -> WebhookEvent:
    with transaction.atomic():
        current = WebhookEvent.objects.select_for_update().get(pk=event.pk)
        if current.status in (E.PROCESSED, E.IGNORED) or not EVENT_STATES.can(
                current.status, target):
            return current  # a concurrent delivery finished it first
        transition(current, EVENT_STATES, target, changes={
            "processed_at": timezone.now(), "error": error[:500]},
            data={"event": current.event_id, "type": current.type})
    return current


def webhook_process(*, event_id: int) -> WebhookEvent:
    """Process one stored event (a task). A provider fault marks it failed and re-raises
    so the task retries with backoff; a later duplicate delivery also retries it."""
    event = WebhookEvent.objects.get(pk=event_id)
    if event.status in (E.PROCESSED, E.IGNORED):
        return event
    try:
        ours = _handle(event)
    except GatewayNotFound:
        return _finish(event, E.IGNORED, "the provider no longer knows this object")
    except (GatewayFault, PaymentsUnavailable) as exc:
        _finish(event, E.FAILED, type(exc).__name__)
        raise
    return _finish(event, E.PROCESSED if ours else E.IGNORED)
