"""Idempotency keys, as Stripe documents them.

* For a POST with an ``Idempotency-Key``, the first response (status and body) is saved
  and every later request with the same key, endpoint and parameters gets it again, with
  ``Idempotent-Replayed: true``, and nothing happens a second time.
* The same key with another endpoint or other parameters: 400 ``idempotency_error``.
* The same key while the first request still runs: 409 (``idempotency_key_in_use``).
* Results are saved only once the endpoint began executing: validation errors, injected
  429/500s and rate limiting are not saved, so a retry runs for real. A card decline is
  saved (Stripe replays the 402).
* Keys expire 24 hours after first use, on the fake's (controllable) clock.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from . import errors
from .store import IDEMPOTENCY_TTL


@dataclass
class Saved:
    endpoint: str
    params: dict
    created: float
    request_id: str
    status: int | None = None
    body: bytes | None = None

    @property
    def in_flight(self) -> bool:
        return self.status is None


class IdempotencyStore:
    def __init__(self) -> None:
        self._saved: dict[str, Saved] = {}
        self._order: deque[tuple[float, str]] = deque()
        self._flying: set[str] = set()

    def _expire(self, now: float) -> None:
        order, saved = self._order, self._saved
        while order and order[0][0] + IDEMPOTENCY_TTL <= now:
            created, key = order.popleft()
            record = saved.get(key)
            if record is not None and record.created == created and not record.in_flight:
                del saved[key]

    def begin(self, key: str, endpoint: str, params: dict, now: float,
              request_id: str) -> Saved | None:
        """Return the saved response to replay, or None after registering the key as in
        flight (the caller must then ``finish`` or ``abandon`` it)."""
        self._expire(now)
        record = self._saved.get(key)
        if record is not None and record.created + IDEMPOTENCY_TTL <= now:
            record = None
        if record is None:
            self._saved[key] = Saved(endpoint, params, now, request_id)
            self._order.append((now, key))
            self._flying.add(key)
            return None
        if record.in_flight:
            raise errors.StripeError(
                "There is currently another in-progress request using this Idempotent Key "
                "(that probably means you submitted twice, and the other request is still "
                f"going through): {key}. Please try again later.",
                code="idempotency_key_in_use",
                status=409,
                type="idempotency_error",
            )
        if record.endpoint != endpoint:
            raise errors.StripeError(
                "Keys for idempotent requests can only be used for the same endpoint they "
                f"were first used for ('{endpoint}' vs '{record.endpoint}'). Try using a "
                f"key other than '{key}' if you meant to execute a different request.",
                type="idempotency_error",
            )
        if record.params != params:
            raise errors.StripeError(
                "Keys for idempotent requests can only be used with the same parameters "
                f"they were first used with. Try using a key other than '{key}' if you "
                "meant to execute a different request.",
                type="idempotency_error",
            )
        return record

    def finish(self, key: str, status: int, body: bytes) -> None:
        self._flying.discard(key)
        record = self._saved.get(key)
        if record is not None:
            record.status = status
            record.body = body

    def abandon(self, key: str) -> None:
        self._flying.discard(key)
        record = self._saved.get(key)
        if record is not None and record.in_flight:
            del self._saved[key]

    def in_flight(self) -> list[str]:
        return sorted(self._flying)

    def __len__(self) -> int:
        return len(self._saved)
