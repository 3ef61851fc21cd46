"""Pacing calls to a provider under its rate limit, shared by every process.

Stripe limits requests per account, not per process: settlements running in several
worker processes must share one budget. ``pacer(key, rate)`` hands out start times from
one schedule kept in Redis (a Lua script reads the server's clock, so the processes'
clocks need not agree): each call takes the next free slot, ``1 / rate`` seconds after
the previous one, and sleeps until it. Without Redis (the embedded run, one process) the
schedule is kept in the process.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings

# KEYS[1] the schedule; ARGV[1] the interval in microseconds. Returns how many
# microseconds the caller waits before its slot.
_TAKE_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, nxt)
redis.call('SET', KEYS[1], string.format('%d', start + interval), 'PX', 60000)
return start - now
"""


class LocalPacer:
    """At most ``rate`` starts a second, shared by the threads of one process."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_at = time.monotonic()
        self.lock = threading.Lock()

    def wait(self) -> None:
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_at)
            self.next_at = start + self.interval
        if start > now:
            time.sleep(start - now)


class RedisPacer:
    """At most ``rate`` starts a second, shared by every process using ``key``."""

    def __init__(self, key: str, rate: float, url: str) -> None:
        import redis

        self.key = f"payments:pacer:{key}"
        self.interval_us = int(1_000_000 / rate) if rate > 0 else 0
        self.client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        self.script = self.client.register_script(_TAKE_SLOT)

    def wait(self) -> None:
        if not self.interval_us:
            return
        delay_us = int(self.script(keys=[self.key], args=[self.interval_us]))
        if delay_us > 0:
            time.sleep(delay_us / 1_000_000)


def pacer(key: str, rate: float) -> LocalPacer | RedisPacer:
    """The pacer for calls counted against ``key`` (e.g. ``"stripe"``)."""
    url = getattr(settings, "REDIS_URL", "")
    if url and rate > 0:
        return RedisPacer(key, rate, url)
    return LocalPacer(rate)
