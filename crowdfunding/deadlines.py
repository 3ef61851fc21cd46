"""Deadline handlers of reward crowdfunding, run by the chronograph: approved campaigns
go live at their launch time; live campaigns close at their deadline, exactly once (the
rows are taken FOR UPDATE SKIP LOCKED, and a closed campaign no longer matches)."""

from __future__ import annotations

from datetime import datetime

from crowdfunding.models import Campaign
from crowdfunding.services.campaigns import campaign_close, campaign_launch
from marketplace.core.chronograph import deadline_handler, process_due


@deadline_handler("crowdfunding.campaign_launch")
def campaign_launch_due(now: datetime) -> int:
    due = Campaign.objects.filter(status=Campaign.Status.APPROVED, launch_at__lte=now)
    return process_due(due.order_by("pk"), lambda c: campaign_launch(campaign=c, now=now))


@deadline_handler("crowdfunding.campaign_close")
def campaign_close_due(now: datetime) -> int:
    due = Campaign.objects.filter(status=Campaign.Status.LIVE, ends_at__lte=now)
    return process_due(due.order_by("pk"), lambda c: campaign_close(campaign=c, now=now))
