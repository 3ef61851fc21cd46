"""Settlement of a funded all-or-nothing or threshold campaign: charge every active pledge
off-session through the payments core, exactly once, paced, resumable.

Per pledge, the payments core's two-transaction rule:

1. ``settlement_prepare`` (short transaction, pledges taken ``FOR UPDATE SKIP LOCKED``):
   the pledge's one ``PaymentAttempt`` (off-session, its saved card, reference
   ``crowdfunding.pledge:<id>``) is created and the pledge moves active -> charging with
   the attempt on it. A pledge is prepared once: a second settle finds it charging and
   reuses its attempt, never makes a second one.
2. ``pledge_charge``: the card is charged outside any transaction
   (``attempt_confirm``: the attempt's own idempotency key on every retry, so a lost
   answer, a crash after the provider did the work or two runners at once replay the
   first charge instead of making another), then a short transaction settles the pledge
   from the attempt's recorded status (``pledge_charge_settle``, idempotent under the
   row lock): charged, or payment_failed with a fix window.

A crash at any point leaves pledges active (not prepared: prepared by the next run) or
charging (prepared: charged again with the same key by the next run). The chronograph's
``crowdfunding.settlement_resume`` enqueues the run again for every funded campaign that
still has such pledges.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from crowdfunding.models import Campaign, FundingModel, Pledge
from crowdfunding.services.payouts import campaign_recheck_goal
from crowdfunding.services.stock import stock_give_back
from crowdfunding.signals import campaign_changed
from crowdfunding.states import PLEDGE_STATES, CrowdfundingAction
from marketplace.core.signals import announce
from marketplace.core.tasks import enqueue
from marketplace.core.transitions import transition
from marketplace.payments.errors import PaymentsUnavailable
from marketplace.payments.models import PaymentAttempt
from marketplace.payments.pacing import pacer as provider_pacer
from marketplace.payments.services.attempts import attempt_confirm, attempt_create

logger = logging.getLogger(__name__)
P = Pledge.Status
A = PaymentAttempt.Status
FIX_WINDOW = timedelta(days=7)
BATCH = 100
NOTIFY_PLEDGE = "crowdfunding.tasks.pledge_notify"


def settlement_rate() -> float:
    """Charges per second a settlement may send (Stripe's test mode allows 25, live 100)."""
    return float(getattr(settings, "CROWDFUNDING_SETTLEMENT_RATE_PER_SECOND", 25))


def settlement_pending(campaign_id: int) -> bool:
    """Does the campaign still have pledges to prepare or to charge?"""
    return Pledge.objects.filter(campaign_id=campaign_id,
                                 status__in=[P.ACTIVE, P.CHARGING]).exists()


def settlement_prepare(*, campaign_id: int, limit: int = BATCH) -> list[int]:
    """Create the attempt of up to ``limit`` active pledges of a funded campaign and move
    them to charging (one short transaction, rows taken SKIP LOCKED). Returns their ids."""
    campaign = Campaign.objects.get(pk=campaign_id)
    if campaign.status != Campaign.Status.FUNDED or \
            campaign.funding_model == FundingModel.FLEXIBLE:
        return []
    with transaction.atomic():
        pledges = list(Pledge.objects.select_for_update(skip_locked=True, of=("self",))
                       .select_related("payment_method", "backer")
                       .filter(campaign_id=campaign_id, status=P.ACTIVE).order_by("pk")[:limit])
        for pledge in pledges:
            attempt = attempt_create(
                payer=pledge.backer, amount=pledge.amount, scope=campaign.scope,
                reference=pledge.reference, description=str(campaign.title)[:200],
                payment_method=pledge.payment_method, off_session=True)
            transition(pledge, PLEDGE_STATES, P.CHARGING,
                       action=CrowdfundingAction.PLEDGE_CHARGING,
                       changes={"attempt": attempt}, data={"attempt": attempt.pk})
    return [p.pk for p in pledges]


def pledge_charge(*, pledge_id: int) -> str:
    """Charge a charging pledge's attempt (outside any transaction) and settle the pledge.
    Returns the pledge's status; a provider that stays unavailable leaves it charging."""
    pledge = Pledge.objects.select_related("attempt").get(pk=pledge_id)
    if pledge.status != P.CHARGING or pledge.attempt is None:
        return pledge.status
    try:
        attempt_confirm(attempt=pledge.attempt)
    except PaymentsUnavailable:
        logger.warning("crowdfunding: pledge %s not charged yet (provider unavailable)",
                       pledge_id)
        return P.CHARGING
    # The attempt's change settled the pledge after its commit (receivers); settle here
    # only what that did not reach (a replayed answer that changed nothing, say).
    status = Pledge.objects.filter(pk=pledge_id).values_list("status", flat=True).get()
    if status != P.CHARGING:
        return status
    return pledge_charge_settle(pledge_id=pledge_id).status


def pledge_charge_settle(*, pledge_id: int, now: datetime | None = None) -> Pledge:
    """Settle a charging (or payment_failed) pledge from its attempt's recorded status;
    idempotent. Succeeded: charged. Failed or canceled: payment_failed, with a fix
    window of seven days."""
    now = now or timezone.now()
    with transaction.atomic():
        pledge = (Pledge.objects.select_for_update(of=("self",)).select_related("attempt")
                  .get(pk=pledge_id))
        attempt = pledge.attempt
        if attempt is None or pledge.status not in (P.CHARGING, P.PAYMENT_FAILED):
            return pledge
        if attempt.status == A.SUCCEEDED:
            transition(pledge, PLEDGE_STATES, P.CHARGED, action=CrowdfundingAction.PLEDGE_CHARGED,
                       data={"attempt": attempt.pk})
        elif attempt.status in (A.FAILED, A.CANCELED) and pledge.status == P.CHARGING:
            transition(pledge, PLEDGE_STATES, P.PAYMENT_FAILED,
                       action=CrowdfundingAction.PLEDGE_PAYMENT_FAILED,
                       changes={"fix_until": now + FIX_WINDOW},
                       data={"attempt": attempt.pk,
                             "code": attempt.decline_code or attempt.failure_code})
            enqueue(NOTIFY_PLEDGE, pledge.pk)  # the backer is told, after the commit
        # Nothing public changed: a pledge being settled, charged or in its fix window
        # counts as pledged and holds its unit (no campaign_changed, so no live push per
        # charge of a settlement).
    return pledge


def pledge_drop(*, pledge: Pledge, now: datetime) -> Pledge:
    """At the end of its fix window a payment_failed pledge is dropped; its unit goes
    back. Run by the chronograph inside its transaction."""
    if pledge.fix_until is None or pledge.fix_until > now:
        return pledge
    transition(pledge, PLEDGE_STATES, P.DROPPED, action=CrowdfundingAction.PLEDGE_DROPPED,
               data={"fix_until": pledge.fix_until.isoformat()})
    if pledge.tier_id is not None and pledge.stock_shard is not None:
        stock_give_back(tier_id=pledge.tier_id, shard=pledge.stock_shard)
    announce(campaign_changed, campaign_id=pledge.campaign_id)
    # the drop may take the campaign below its goal: then it fails and everyone is refunded
    campaign_recheck_goal(campaign=pledge.campaign)
    return pledge


def settlement_processes() -> int:
    """How many processes share one campaign's settlement (each a task of its own)."""
    return max(1, int(getattr(settings, "CROWDFUNDING_SETTLEMENT_PROCESSES", 2)))


def settlement_run(*, campaign_id: int, workers: int = 8, rate: float | None = None,
                   part: int = 0, parts: int = 1,
                   on_charged: Callable[[int, str], None] | None = None) -> dict:
    """Prepare and charge pledges of the campaign, paced under ``rate`` (the setting by
    default) shared with every other process charging through the provider, ``workers``
    charges in flight (threads, each with its own database connection, closed at its
    end). ``parts`` runs of one campaign (``part`` 0 .. parts - 1, in separate processes)
    share the work: each prepares batches of its own (``SKIP LOCKED``), and the pledges a
    crash left charging are split between them by id, each charged again with its
    attempt's key. Returns counts by resulting status."""
    if not 0 <= part < parts:
        raise ValueError("part must be in 0 .. parts - 1")
    pacer = provider_pacer("stripe", settlement_rate() if rate is None else rate)
    counts: dict[str, int] = {}
    lock = threading.Lock()
    todo: queue.Queue[int | None] = queue.Queue(maxsize=2 * BATCH)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            while (pledge_id := todo.get()) is not None:
                pacer.wait()
                try:
                    status = pledge_charge(pledge_id=pledge_id)
                except Exception as exc:  # left charging: the next run charges it again
                    logger.exception("crowdfunding: charging pledge %s failed", pledge_id)
                    errors.append(exc)
                    continue
                with lock:
                    counts[status] = counts.get(status, 0) + 1
                if on_charged is not None:
                    on_charged(pledge_id, status)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    try:
        for pk in (Pledge.objects.filter(campaign_id=campaign_id, status=P.CHARGING)
                   .order_by("pk").values_list("pk", flat=True)):
            if pk % parts == part:
                todo.put(pk)
        while batch := settlement_prepare(campaign_id=campaign_id):
            for pk in batch:
                todo.put(pk)  # blocks while two batches wait: prepared just ahead
    finally:
        for _ in threads:
            todo.put(None)
        for thread in threads:
            thread.join()
    return counts
