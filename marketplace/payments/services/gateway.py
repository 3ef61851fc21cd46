"""Calling a provider: outside any transaction, retried with backoff on faults.

``provider_call(fn)`` runs ``fn()`` (a provider method with its idempotency key already
bound), retrying rate limits, server errors, timeouts, lost connections and a key still in
flight with exponential backoff and jitter. Because every retry sends the same key, "the
work was done but the answer was lost" is answered by the provider's replay of its first
answer, never by a second charge. When the retries run out the fault is logged and a
``PaymentsUnavailable`` (503, a neutral translated message) is raised; the record stays
where it was, so a later retry (the user, a task, the chronograph) can finish it.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings

from marketplace.payments.errors import GatewayFault, PaymentsUnavailable
from marketplace.payments.providers.base import assert_outside_transaction

logger = logging.getLogger(__name__)
T = TypeVar("T")

# tests replace this to count the waits without waiting
sleep = time.sleep


def backoff_delay(attempt: int, base: float | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (1, 2, ...): base * 2**(n-1),
    with up to 50 % random jitter so retrying clients do not arrive together."""
    base = settings.PAYMENTS_GATEWAY_RETRY_BASE_SECONDS if base is None else base
    delay = base * (2 ** (attempt - 1))
    return delay * (1 + random.random() / 2)  # noqa: S311 (jitter, not security)


def provider_call(fn: Callable[[], T], *, what: str, retries: int | None = None) -> T:
    """Run ``fn`` outside any transaction, retrying gateway faults; see the module doc."""
    assert_outside_transaction()
    retries = settings.PAYMENTS_GATEWAY_RETRIES if retries is None else retries
    tried = 0
    while True:
        try:
            return fn()
        except GatewayFault as exc:
            tried += 1
            if not exc.retryable or tried > retries:
                logger.warning("payments: %s failed after %s tries: %r", what, tried, exc)
                if not exc.retryable:
                    raise
                raise PaymentsUnavailable() from exc
            delay = backoff_delay(tried)
            logger.info("payments: %s: %s, retry %s in %.2f s", what, type(exc).__name__,
                        tried, delay)
            sleep(delay)
