"""The chronograph: moves every object whose deadline has passed.

Apps register deadline handlers; the periodic task (every minute, Celery beat) calls
each. A handler must be idempotent and take its rows with
``select_for_update(skip_locked=True)`` so several workers can run at once and a crash
loses nothing; ``process_due()`` does that for the common case.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.db import models, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

DeadlineHandler = Callable[[datetime], int]
_registry: dict[str, DeadlineHandler] = {}


def deadline_handler(name: str):
    """Register ``fn(now) -> number of objects moved`` under ``name``."""

    def register(fn: DeadlineHandler) -> DeadlineHandler:
        _registry[name] = fn
        return fn

    return register


def registered_handlers() -> dict[str, DeadlineHandler]:
    return dict(_registry)


def process_due(
    queryset: models.QuerySet, handle: Callable[[models.Model], None], *, batch: int = 100
) -> int:
    """Lock due rows in batches, skipping rows another worker holds; call ``handle`` on
    each inside the batch's transaction. ``queryset`` must select only rows still due, so
    a handled row drops out and the loop ends."""
    moved = 0
    while True:
        with transaction.atomic():
            rows = list(queryset.select_for_update(skip_locked=True)[:batch])
            for row in rows:
                handle(row)
            moved += len(rows)
        if len(rows) < batch:
            return moved


def run_due_handlers(now: datetime | None = None) -> dict:
    from marketplace.core.models import ChronographHeartbeat

    now = now or timezone.now()
    results: dict[str, int | str] = {}
    for name, handler in sorted(_registry.items()):
        try:
            results[name] = handler(now)
        except Exception:  # one failing handler must not starve the others
            logger.exception("chronograph handler %s failed", name)
            results[name] = "error"
    ChronographHeartbeat.objects.update_or_create(
        name="chronograph", defaults={"last_tick_at": timezone.now(), "handlers_run": len(results)}
    )
    return results
