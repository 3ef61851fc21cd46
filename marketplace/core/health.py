"""Health of the services the platform depends on. Never raises: a down service is
reported as down with a reason, and the endpoint answers 503.

Each check gives ``{"status": "up" | "down" | "not_configured", ...}``. A failure
always names the exception type; its message (which may carry host names or driver
details) is included only when ``detailed`` is true (staff or DEBUG), except for the
``Unhealthy`` problems probes raise themselves, whose messages are safe to show.

The core checks the database, Redis and Celery; each app registers probes of its own
services from its ``ready()`` (search registers the search backend)::

    @health_check("search")
    def _search_probe() -> dict:       # details to report; raise when down
        ...

A probe returns a dict of details (``{"status": "not_configured"}`` when the service is
not set up) or raises; ``Unhealthy`` carries a message anyone may read.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

UP_STATES = frozenset({"up", "not_configured"})

Probe = Callable[[], dict | None]
_probes: dict[str, Probe] = {}


def health_check(name: str):
    """Register ``probe() -> dict`` as the check called ``name`` in /healthz."""

    def register(probe: Probe) -> Probe:
        _probes[name] = probe
        return probe

    return register


def registered_checks() -> dict[str, Probe]:
    return dict(_probes)


class Unhealthy(Exception):
    """A problem found by a probe; its message is meant for anyone to read."""


def _timed(fn, *, detailed: bool) -> dict:
    started = time.perf_counter()
    try:
        detail = fn() or {}
    except Exception as exc:  # health reports faults, it never raises them
        report = {"status": "down", "error": type(exc).__name__}
        if detailed or isinstance(exc, Unhealthy):
            report["reason"] = str(exc)[:300]
        return report
    if not isinstance(detail, dict):
        return {"status": "down", "error": "InvalidHealthReport"}
    return {"status": "up", "ms": round((time.perf_counter() - started) * 1000, 1), **detail}


def check_database(*, detailed: bool = True) -> dict:
    def probe():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"vendor": connection.vendor}

    return _timed(probe, detailed=detailed)


def check_redis(*, detailed: bool = True) -> dict:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return {"status": "not_configured"}

    def probe():
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()

    return _timed(probe, detailed=detailed)


def chronograph_interval() -> float:
    """Seconds between chronograph ticks, as the beat schedule says (60 by default)."""
    entry = getattr(settings, "CELERY_BEAT_SCHEDULE", {}).get("chronograph", {})
    schedule = entry.get("schedule", 60)
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    if isinstance(schedule, int | float):
        return float(schedule)
    return 60.0


def chronograph_max_age() -> timedelta:
    """A heartbeat older than three missed ticks (and at least three minutes) is stale."""
    return timedelta(seconds=max(3 * chronograph_interval(), 180))


def check_celery(*, detailed: bool = True) -> dict:
    """Celery is up when the chronograph beat ran recently (works for every broker)."""
    from marketplace.core.models import ChronographHeartbeat

    def probe():
        beat = ChronographHeartbeat.objects.filter(name="chronograph").first()
        if beat is None:
            raise Unhealthy("the chronograph has never run")
        age = timezone.now() - beat.last_tick_at
        if age > chronograph_max_age():
            raise Unhealthy(f"last chronograph tick {int(age.total_seconds())} s ago")
        return {"last_tick_at": beat.last_tick_at.isoformat(), "broker": _broker_name()}

    return _timed(probe, detailed=detailed)


def _broker_name() -> str:
    url = getattr(settings, "CELERY_BROKER_URL", "")
    return url.split("://", 1)[0] if url else "unknown"


def health_report(*, detailed: bool = True) -> tuple[bool, dict]:
    checks = {
        "database": check_database(detailed=detailed),
        "redis": check_redis(detailed=detailed),
        "celery": check_celery(detailed=detailed),
    }
    for name, probe in sorted(_probes.items()):
        checks[name] = _timed(probe, detailed=detailed)
    ok = all(c["status"] in UP_STATES for c in checks.values())
    return ok, {"status": "ok" if ok else "degraded", "checks": checks}
