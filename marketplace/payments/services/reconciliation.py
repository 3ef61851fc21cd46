"""Reconciliation: compare our attempts, refunds and payouts with the provider's payment
intents, refunds and transfers over a window, and list every difference for staff.

It fixes nothing: a difference is a row staff read (``ReconciliationDifference``); the
remedy goes through the ordinary services. The provider is read outside any transaction
(page by page); the findings are written in one short transaction at the end.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from marketplace.core.audit import audit_log
from marketplace.payments.errors import (
    GatewayFault,
    GatewayNotFound,
    PaymentsUnavailable,
    ProviderNotConfigured,
)
from marketplace.payments.models import (
    PaymentAttempt,
    Payout,
    Provider,
    ReconciliationDifference,
    ReconciliationRun,
    Refund,
)
from marketplace.payments.providers import get_provider
from marketplace.payments.services.gateway import provider_call
from marketplace.payments.states import PaymentsAction

D = ReconciliationDifference.Kind
A = PaymentAttempt.Status

# our status -> the provider statuses (as our provider interface names them) that agree
_AGREES = {
    A.SUCCEEDED: {"succeeded"},
    A.FAILED: {"failed", "canceled", "created"},
    A.CANCELED: {"canceled"},
    A.REQUIRES_ACTION: {"requires_action"},
    A.PROCESSING: {"processing"},
    A.CREATED: {"created", "requires_action", "processing", "failed"},
}


def _diff(kind, object_type, obj=None, provider_id="", ours=None, theirs=None) -> dict:
    return {"kind": kind, "object_type": object_type,
            "object_id": str(obj.pk) if obj is not None else "", "provider_id": provider_id,
            "ours": ours or {}, "theirs": theirs or {}}


def _money(value) -> dict:
    if not value:
        return {}
    value = value.quantized()
    return {"amount": str(value.amount), "currency": value.currency}


def _uids(values) -> list[uuid.UUID]:
    """The valid UUIDs among metadata values (anyone can put anything in metadata)."""
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


def _ours(model, start, end, *, id_field: str, their_ids, uids=(), **filters):
    """Our records of the window, and those made before it whose provider object falls
    in it (a payout requested last week and sent today; an attempt confirmed after an
    outage): matched by the provider's id or by the UUID we put in its metadata, so they
    are compared rather than reported missing here."""
    match = Q(created_at__gte=start, created_at__lte=end)
    their_ids = [i for i in their_ids if i]
    if their_ids:
        match |= Q(**{f"{id_field}__in": their_ids})
    uids = _uids(uids)
    if uids:
        match |= Q(uid__in=uids)
    return model.objects.filter(match, **filters).order_by("pk")


def _retrieve(fn, provider_id: str):
    """The provider's object outside the listed window, or None when it does not know it."""
    if not provider_id:
        return None
    try:
        return fn(provider_id)
    except GatewayNotFound:
        return None


def _compare_attempts(provider, start, end) -> tuple[int, list[dict]]:
    theirs = {p.payment_id: p for p in provider.payments_list(created_from=start,
                                                              created_to=end)}
    by_uid = {p.metadata.get("attempt"): p for p in theirs.values() if p.metadata.get("attempt")}
    found, seen = [], set()
    ours = _ours(PaymentAttempt, start, end, id_field="provider_payment_id",
                 their_ids=theirs, uids=by_uid, provider=Provider.STRIPE)
    for attempt in ours.iterator():
        payment = (theirs.get(attempt.provider_payment_id) or by_uid.get(str(attempt.uid))
                   or _retrieve(provider.payment_retrieve, attempt.provider_payment_id))
        if payment is None:
            if attempt.status in (A.SUCCEEDED, A.PROCESSING, A.REQUIRES_ACTION):
                found.append(_diff(D.MISSING_AT_PROVIDER, "attempt", attempt,
                                   attempt.provider_payment_id,
                                   {"status": attempt.status, **_money(attempt.amount)}))
            continue
        seen.add(payment.payment_id)
        if payment.status not in _AGREES.get(attempt.status, {attempt.status}):
            found.append(_diff(D.STATUS, "attempt", attempt, payment.payment_id,
                               {"status": attempt.status}, {"status": payment.status}))
        elif payment.amount != attempt.amount:
            found.append(_diff(D.AMOUNT, "attempt", attempt, payment.payment_id,
                               _money(attempt.amount), _money(payment.amount)))
    for payment_id, payment in theirs.items():
        if payment_id not in seen and payment.status == "succeeded":
            found.append(_diff(D.MISSING_HERE, "attempt", None, payment_id, {},
                               {"status": payment.status, **_money(payment.amount),
                                "metadata": payment.metadata}))
    return ours.count(), found


def _compare_refunds(provider, start, end) -> tuple[int, list[dict]]:
    theirs = {r.refund_id: r for r in provider.refunds_list(created_from=start,
                                                           created_to=end)}
    by_uid = {r.metadata.get("refund"): r for r in theirs.values() if r.metadata.get("refund")}
    found, seen = [], set()
    ours = _ours(Refund, start, end, id_field="provider_refund_id", their_ids=theirs,
                 uids=by_uid, attempt__provider=Provider.STRIPE)
    for refund in ours.iterator():
        result = (theirs.get(refund.provider_refund_id) or by_uid.get(str(refund.uid))
                  or _retrieve(provider.refund_retrieve, refund.provider_refund_id))
        if result is None:
            if refund.status == Refund.Status.SUCCEEDED:
                found.append(_diff(D.MISSING_AT_PROVIDER, "refund", refund,
                                   refund.provider_refund_id,
                                   {"status": refund.status, **_money(refund.amount)}))
            continue
        seen.add(result.refund_id)
        if result.status != refund.status:
            found.append(_diff(D.STATUS, "refund", refund, result.refund_id,
                               {"status": refund.status}, {"status": result.status}))
        elif result.amount != refund.amount:
            found.append(_diff(D.AMOUNT, "refund", refund, result.refund_id,
                               _money(refund.amount), _money(result.amount)))
    for refund_id, result in theirs.items():
        if refund_id not in seen and result.status == "succeeded":
            found.append(_diff(D.MISSING_HERE, "refund", None, refund_id, {},
                               {"status": result.status, **_money(result.amount)}))
    return ours.count(), found


def _compare_payouts(provider, start, end) -> tuple[int, list[dict]]:
    theirs = {t.transfer_id: t for t in provider.transfers_list(created_from=start,
                                                               created_to=end)}
    by_uid = {t.metadata.get("payout"): t for t in theirs.values() if t.metadata.get("payout")}
    found, seen = [], set()
    ours = _ours(Payout, start, end, id_field="provider_transfer_id", their_ids=theirs,
                 uids=by_uid)
    for payout in ours.iterator():
        transfer = (theirs.get(payout.provider_transfer_id) or by_uid.get(str(payout.uid))
                    or _retrieve(provider.transfer_retrieve, payout.provider_transfer_id))
        if transfer is None:
            if payout.status == Payout.Status.PAID:
                found.append(_diff(D.MISSING_AT_PROVIDER, "payout", payout,
                                   payout.provider_transfer_id,
                                   {"status": payout.status, **_money(payout.net)}))
            continue
        seen.add(transfer.transfer_id)
        if payout.status != Payout.Status.PAID or transfer.reversed:
            found.append(_diff(D.STATUS, "payout", payout, transfer.transfer_id,
                               {"status": payout.status},
                               {"reversed": transfer.reversed, "exists": True}))
        elif transfer.amount != payout.net:
            found.append(_diff(D.AMOUNT, "payout", payout, transfer.transfer_id,
                               _money(payout.net), _money(transfer.amount)))
    for transfer_id, transfer in theirs.items():
        if transfer_id not in seen:
            found.append(_diff(D.MISSING_HERE, "payout", None, transfer_id, {},
                               _money(transfer.amount)))
    return ours.count(), found


def reconcile(*, start: datetime | None = None, end: datetime | None = None,
              actor=None) -> ReconciliationRun:
    """Compare one window (the last ``PAYMENTS_RECONCILE_DAYS`` days by default) and
    record the differences. A provider that cannot be read records the run's error."""
    end = end or timezone.now()
    start = start or end - timedelta(days=settings.PAYMENTS_RECONCILE_DAYS)
    run = ReconciliationRun.objects.create(window_start=start, window_end=end)
    # the provider's clock and ours may differ by a little: read a slightly wider window
    margin = timedelta(minutes=5)
    checked, differences, error = 0, [], ""
    try:
        provider = get_provider("stripe")
        for compare in (_compare_attempts, _compare_refunds, _compare_payouts):
            count, found = provider_call(
                lambda compare=compare: compare(provider, start - margin, end + margin),
                what=f"reconciliation {compare.__name__}")
            checked += count
            differences.extend(found)
    except (GatewayFault, PaymentsUnavailable) as exc:
        error = f"{type(exc).__name__}: the provider could not be read"
    except ProviderNotConfigured:
        error = "ProviderNotConfigured: no card provider is set up (STRIPE_SECRET_KEY)"
    with transaction.atomic():
        ReconciliationDifference.objects.bulk_create(
            ReconciliationDifference(run=run, **diff) for diff in differences)
        ReconciliationRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), checked=checked, differences_found=len(differences),
            error=error)
        audit_log(actor=actor, action=PaymentsAction.RECONCILIATION_RUN, obj=run,
                  data={"checked": checked, "differences": len(differences), "error": error})
    run.refresh_from_db()
    return run
