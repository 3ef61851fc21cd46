"""Live progress: what an open campaign page shows (pledged, backers, % of goal, each
limited tier's remaining units) pushed to the campaign's Channels group after committed
changes. The consumer only relays (``crowdfunding.consumers``).

Coalesced under load: reading the progress costs two queries and a push a Redis round
trip, which on a launch-day rush doubled the cost of a pledge (bench/hot_tier.py: 180
pledges/s without the push, 68 with one per pledge). So a campaign pushes at most once per
``CROWDFUNDING_PROGRESS_PUSH_INTERVAL`` seconds (default 0.25): the first change of a
window pushes at once; a change inside the window asks, once per window, for one more push
at the window's end (a Celery task), which reads the state then and so carries every
change of the window. Without Redis, or with the interval 0 (the tests), every change
pushes at once.
"""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.db import transaction

from crowdfunding.models import Campaign
from crowdfunding.selectors import campaign_progress_payload
from marketplace.notifications.services import push_to_group

logger = logging.getLogger(__name__)
EVENT = "campaign.progress"
TRAILING_TASK = "crowdfunding.tasks.campaign_progress_push"


def campaign_group(campaign_id: int) -> str:
    return f"campaign.{campaign_id}"


def push_interval() -> float:
    return float(getattr(settings, "CROWDFUNDING_PROGRESS_PUSH_INTERVAL", 0.25))


def _redis():
    url = getattr(settings, "REDIS_URL", "")
    return _client(url) if url else None


@functools.lru_cache(maxsize=4)
def _client(url: str):
    """One client (and connection pool) per process and address."""
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def campaign_progress_send(*, campaign_id: int) -> bool:
    """Read the campaign's progress now and push it to everyone watching its page. A
    canceled campaign pushes its status alone (its page says it ended); one that was never
    public pushes nothing (nobody watches it). Returns whether something was pushed."""
    payload = campaign_progress_payload(campaign_id)
    if payload is None and Campaign.objects.filter(
            pk=campaign_id, status=Campaign.Status.CANCELED).exists():
        payload = {"campaign": campaign_id, "status": Campaign.Status.CANCELED}
    if payload is None:
        return False
    push_to_group(campaign_group(campaign_id), EVENT, payload)
    return True


def _send_trailing(campaign_id: int, delay: float) -> None:
    from marketplace.celery import app

    app.send_task(TRAILING_TASK, args=[campaign_id], countdown=delay)


def campaign_progress_push(*, campaign_id: int) -> None:
    """After the current transaction commits, push the campaign's progress (coalesced, as
    the module says). Best effort: a push that fails is logged, never raised."""

    def push():
        interval = push_interval()
        client = _redis() if interval > 0 else None
        if client is None:
            campaign_progress_send(campaign_id=campaign_id)
            return
        window_ms = max(1, int(interval * 1000))
        try:
            leading = client.set(f"crowdfunding:progress:{campaign_id}", 1, nx=True,
                                 px=window_ms)
            trailing = not leading and client.set(
                f"crowdfunding:progress-trailing:{campaign_id}", 1, nx=True, px=window_ms)
        except Exception:  # Redis down: push now rather than not at all
            logger.warning("crowdfunding: progress throttle unavailable", exc_info=True)
            campaign_progress_send(campaign_id=campaign_id)
            return
        if leading:
            campaign_progress_send(campaign_id=campaign_id)
        elif trailing:
            try:
                _send_trailing(campaign_id, interval)
            except Exception:
                logger.warning("crowdfunding: trailing progress push not queued", exc_info=True)

    transaction.on_commit(push)
