"""Deadline handlers of the catalogue, run by the chronograph."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from catalog.models import Certification
from catalog.services.certification import certification_expire
from marketplace.core.chronograph import deadline_handler, process_due


@deadline_handler("catalog.certification_expiry")
def certification_expiry(now: datetime) -> int:
    """Certified rows whose validity ended before today become expired. Rows are taken
    with SELECT ... FOR UPDATE SKIP LOCKED in batches; a handled row no longer matches the
    query, so the loop ends and a second run finds nothing to do."""
    today = timezone.localdate(now)
    due = Certification.objects.filter(
        status=Certification.Status.CERTIFIED, valid_until__lt=today
    ).order_by("pk")
    return process_due(due, lambda cert: certification_expire(certification=cert, today=today))
