"""Health of the services the platform depends on. Never raises: a down service is
reported as down with a reason, and the endpoint answers 503."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone


def _timed(fn) -> dict:
    started = time.perf_counter()
    try:
        detail = fn() or {}
        return {"status": "up", "ms": round((time.perf_counter() - started) * 1000, 1), **detail}
    except Exception as exc:  # health reports faults, it never raises them
        return {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300]}


def check_database() -> dict:
    def probe():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"vendor": connection.vendor}

    return _timed(probe)


def check_redis() -> dict:
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

    return _timed(probe)


def check_celery() -> dict:
    """Celery is up when the chronograph beat ran recently (works for every broker)."""
    from marketplace.core.models import ChronographHeartbeat

    def probe():
        beat = ChronographHeartbeat.objects.filter(name="chronograph").first()
        interval = float(getattr(settings, "CHRONOGRAPH_INTERVAL_SECONDS", 60))
        if beat is None:
            raise RuntimeError("the chronograph has never run")
        age = timezone.now() - beat.last_tick_at
        if age > timedelta(seconds=max(3 * interval, 180)):
            raise RuntimeError(f"last chronograph tick {int(age.total_seconds())} s ago")
        return {"last_tick_at": beat.last_tick_at.isoformat(), "broker": _broker_name()}

    return _timed(probe)


def _broker_name() -> str:
    url = getattr(settings, "CELERY_BROKER_URL", "")
    return url.split("://", 1)[0] if url else "unknown"


def check_search() -> dict:
    def probe():
        from search.service import get_backend

        backend = get_backend()
        return {"backend": backend.name, **(backend.health() or {})}

    return _timed(probe)


def health_report() -> tuple[bool, dict]:
    checks = {
        "database": check_database(),
        "redis": check_redis(),
        "celery": check_celery(),
        "search": check_search(),
    }
    ok = all(c["status"] in ("up", "not_configured") for c in checks.values())
    return ok, {"status": "ok" if ok else "degraded", "checks": checks}
