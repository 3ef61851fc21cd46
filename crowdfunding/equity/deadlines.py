"""Chronograph handlers of equity crowdfunding: approved offerings go live at their
start; live offerings close at their deadline, exactly once (rows taken FOR UPDATE SKIP
LOCKED, and a closed offering no longer matches). Investor profiles and knowledge tests
lapse by their ``valid_until`` (the readiness selector compares it with the time asked
about), so nothing has to run for them."""

from __future__ import annotations

from datetime import datetime

from crowdfunding.equity.models import Offering
from crowdfunding.equity.services.offerings import offering_close, offering_launch
from marketplace.core.chronograph import deadline_handler, process_due


@deadline_handler("equity.offering_launch")
def offering_launch_due(now: datetime) -> int:
    due = Offering.objects.filter(status=Offering.Status.APPROVED, starts_at__lte=now)
    return process_due(due.order_by("pk"), lambda o: offering_launch(offering=o, now=now))


@deadline_handler("equity.offering_close")
def offering_close_due(now: datetime) -> int:
    due = Offering.objects.filter(status=Offering.Status.LIVE, deadline__lte=now)
    return process_due(due.order_by("pk"), lambda o: offering_close(offering=o, now=now))
