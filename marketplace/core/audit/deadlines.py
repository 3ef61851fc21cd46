"""The periodic checkpoint, run by the chronograph (registered in ``CoreConfig.ready``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Sum

from marketplace.core.audit.checkpoints import audit_checkpoint_create
from marketplace.core.chronograph import deadline_handler


def _unchanged_since(checkpoint) -> bool:
    """Cheap test before reading every head: heads only advance (the PostgreSQL trigger
    sees to it), so the same number of non-empty streams and the same sum of sequence
    numbers mean no event was appended since ``checkpoint``."""
    from marketplace.core.models import AuditStream

    totals = AuditStream.objects.filter(last_seq__gt=0).aggregate(
        streams=Count("name"), events=Sum("last_seq")
    )
    return (totals["streams"], totals["events"] or 0) == (
        checkpoint.tree_size, checkpoint.event_count
    )


@deadline_handler("core.audit_checkpoint")
def audit_checkpoint_due(now: datetime) -> int:
    """A checkpoint when the newest is older than AUDIT_CHECKPOINT_INTERVAL_SECONDS and
    an event was appended since; returns how many were made (0 or 1). Without a signing
    key this raises ``AuditKeyMissing``, which the chronograph logs at every tick."""
    from marketplace.core.models import AuditCheckpoint

    latest = AuditCheckpoint.objects.order_by("-number").first()
    if latest is not None:
        interval = timedelta(seconds=settings.AUDIT_CHECKPOINT_INTERVAL_SECONDS)
        if now - latest.created_at < interval or _unchanged_since(latest):
            return 0
    return 1 if audit_checkpoint_create(only_if_changed=True) is not None else 0
