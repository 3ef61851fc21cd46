"""Deadline handlers of reward crowdfunding, run by the chronograph: approved campaigns
go live at their launch time; live campaigns close at their deadline, exactly once (the
rows are taken FOR UPDATE SKIP LOCKED, and a closed campaign no longer matches); a funded
all-or-nothing or threshold campaign's settlement is enqueued after the close commits and
again while pledges are left to charge (a crashed run); payment_failed pledges are
dropped at the end of their fix window."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef

from crowdfunding.models import Campaign, FundingModel, Pledge
from crowdfunding.services.campaigns import campaign_close, campaign_launch
from crowdfunding.services.payouts import PAST_FUNDING, UNSETTLED, campaign_payout_request
from crowdfunding.services.settlement import pledge_drop, settlement_processes
from marketplace.core.chronograph import deadline_handler, process_due
from marketplace.core.tasks import enqueue

SETTLE_TASK = "crowdfunding.tasks.settlement_run"
# a run touches its pledges as it goes; one left alone this long has crashed
RESUME_AFTER = timedelta(minutes=5)


def _enqueue_settlement(campaign_id: int) -> None:
    """One task per part: the worker pool's processes share the campaign's charges."""
    parts = settlement_processes()
    for part in range(parts):
        enqueue(SETTLE_TASK, campaign_id, part, parts)


@deadline_handler("crowdfunding.campaign_launch")
def campaign_launch_due(now: datetime) -> int:
    due = Campaign.objects.filter(status=Campaign.Status.APPROVED, launch_at__lte=now)
    return process_due(due.order_by("pk"), lambda c: campaign_launch(campaign=c, now=now))


def _close(campaign: Campaign, now: datetime) -> None:
    campaign_close(campaign=campaign, now=now)
    if campaign.status == Campaign.Status.FUNDED and \
            campaign.funding_model != FundingModel.FLEXIBLE:
        _enqueue_settlement(campaign.pk)  # after the close commits


@deadline_handler("crowdfunding.campaign_close")
def campaign_close_due(now: datetime) -> int:
    due = Campaign.objects.filter(status=Campaign.Status.LIVE, ends_at__lte=now)
    return process_due(due.order_by("pk"), lambda c: _close(c, now))


@deadline_handler("crowdfunding.settlement_resume")
def settlement_resume_due(now: datetime) -> int:
    """Funded campaigns with pledges still active or charging and untouched for a while:
    their run crashed (or never started); enqueue it again."""
    stale = Pledge.objects.filter(campaign_id=OuterRef("pk"),
                                  status__in=[Pledge.Status.ACTIVE, Pledge.Status.CHARGING],
                                  updated_at__lt=now - RESUME_AFTER)
    due = (Campaign.objects.filter(status=Campaign.Status.FUNDED, closed_at__lt=now - RESUME_AFTER)
           .exclude(funding_model=FundingModel.FLEXIBLE).filter(Exists(stale)))

    def resume(campaign: Campaign) -> None:
        _enqueue_settlement(campaign.pk)
        # touch the stale pledges so the next tick does not enqueue the run beside itself
        Pledge.objects.filter(campaign=campaign, status__in=[Pledge.Status.ACTIVE,
                                                             Pledge.Status.CHARGING]
                              ).update(updated_at=now)

    return process_due(due.order_by("pk"), resume)


@deadline_handler("crowdfunding.pledge_drop")
def pledge_drop_due(now: datetime) -> int:
    due = Pledge.objects.filter(status=Pledge.Status.PAYMENT_FAILED, fix_until__lte=now)
    return process_due(due.order_by("pk"), lambda p: pledge_drop(pledge=p, now=now))


@deadline_handler("crowdfunding.campaign_payout")
def campaign_payout_due(now: datetime) -> int:
    """Campaigns past funding, every pledge settled, no payout yet: request it (staff then
    approve it in the payments core). A maker whose payout account cannot receive money
    yet is offered again at the next tick."""
    unsettled = Pledge.objects.filter(campaign_id=OuterRef("pk"), status__in=UNSETTLED)
    due = (Campaign.objects.filter(status__in=PAST_FUNDING, payout__isnull=True)
           .exclude(Exists(unsettled)))
    return process_due(due.order_by("pk"), lambda c: campaign_payout_request(campaign=c))
