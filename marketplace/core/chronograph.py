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
    a handled row drops out and the loop ends.

    Each row is handled in its own savepoint: a row whose handler raises is rolled back,
    logged and left for the next tick, and the rest of the batch still moves. A row is
    offered at most once per call, so a handler that leaves its row due cannot make the
    loop spin. Only the queryset's own table is locked (``of=("self",)``), so querysets
    that follow nullable relations work on PostgreSQL. Returns the number of rows
    handled without error.
    """
    moved = 0
    offered: set = set()
    while True:
        with transaction.atomic():
            rows = list(
                queryset.exclude(pk__in=offered)
                .select_for_update(skip_locked=True, of=("self",))[:batch]
            )
            for row in rows:
                offered.add(row.pk)
                try:
                    with transaction.atomic():
                        handle(row)
                except Exception:
                    logger.exception(
                        "chronograph: handling %s pk=%s failed", row._meta.label, row.pk
                    )
                else:
                    moved += 1
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
