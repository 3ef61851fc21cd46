"""Injected faults and the rate limit.

A fault rule answers the next ``count`` API requests that match its method and path
prefix with one of:

* ``rate_limit``: 429 ``rate_limit``, before any work;
* ``api_error``: 500 ``api_error``, before any work;
* ``hang``: wait ``seconds`` (with the idempotency key already in flight), then answer
  normally;
* ``drop``: do the work, save the idempotent result, then close the connection without
  a response: the case that double-charges a client retrying without the same key.

The rate limit is a token bucket (``per_second`` tokens a second, ``burst`` deep).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import asdict, dataclass, field

from . import errors

KINDS = ("rate_limit", "api_error", "hang", "drop")
_ids = itertools.count(1)


@dataclass
class Fault:
    kind: str
    count: int = 1
    method: str | None = None
    path_prefix: str | None = None
    seconds: float = 0.0
    id: int = field(default_factory=lambda: next(_ids))
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.count <= 0:
            return False
        if self.method and self.method.upper() != method:
            return False
        return not (self.path_prefix and not path.startswith(self.path_prefix))


def parse_fault(data: dict) -> Fault:
    kind = data.get("kind")
    if kind not in KINDS:
        raise errors.invalid("kind", f"kind must be one of {', '.join(KINDS)}")
    try:
        count = int(data.get("count", 1))
        seconds = float(data.get("seconds", 0))
    except (TypeError, ValueError):
        raise errors.invalid("count", "count must be an integer, seconds a number") from None
    if count < 1 or seconds < 0:
        raise errors.invalid("count", "count must be at least 1 and seconds not negative")
    return Fault(kind, count, data.get("method"), data.get("path_prefix"), seconds)


@dataclass
class Faults:
    rules: list[Fault] = field(default_factory=list)

    def take(self, method: str, path: str) -> Fault | None:
        for rule in self.rules:
            if rule.matches(method, path):
                rule.count -= 1
                rule.hits += 1
                if rule.count <= 0:
                    self.rules.remove(rule)
                return rule
        return None

    def describe(self) -> list[dict]:
        return [asdict(rule) for rule in self.rules]


class TokenBucket:
    def __init__(self, per_second: float | None = None, burst: float | None = None) -> None:
        self.configure(per_second, burst)

    def configure(self, per_second: float | None, burst: float | None = None) -> None:
        self.per_second = per_second if per_second and per_second > 0 else None
        self.burst = max(1.0, burst if burst else (self.per_second or 1.0))
        self.tokens = self.burst
        self.stamp = time.monotonic()
        self.refused = 0

    def allow(self) -> bool:
        if self.per_second is None:
            return True
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.per_second)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        self.refused += 1
        return False

    def describe(self) -> dict:
        return {"per_second": self.per_second, "burst": self.burst, "refused": self.refused}
