"""Running calls at once, each in its own thread with its own database connection (for
the PostgreSQL concurrency tests; the test must be ``django_db(transaction=True)``)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def at_once(*calls: Callable[[], object], timeout: float = 120.0) -> list:
    """Release every call together; return what each returned (in finishing order) and
    re-raise the first exception any of them raised."""
    barrier = threading.Barrier(len(calls))
    results, failures = [], []

    def run(call):
        try:
            barrier.wait(timeout=30)
            results.append(call())
        except Exception as exc:  # noqa: BLE001 (re-raised below, in the test's thread)
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if failures:
        raise failures[0]
    assert len(results) == len(calls), "a call did not finish in time"
    return results
