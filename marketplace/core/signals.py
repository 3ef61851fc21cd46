"""Change announcements between apps, without the sender importing the receivers.

An app defines its signals (``product_changed = Signal()``, kwargs are ids) and calls
``announce(product_changed, product_id=...)`` in the transaction that made the change.
Receivers run at once, inside that transaction, and must defer their work until after
commit: enqueue a ``TransactionAwareTask`` (the outbox records it with the transaction,
so a broker outage at commit loses nothing) or use ``transaction.on_commit``. A rolled-back
change therefore announces nothing.
"""

from __future__ import annotations

from django.dispatch import Signal


def announce(signal: Signal, **ids) -> None:
    for value in ids.values():
        if not isinstance(value, int | str) or isinstance(value, bool):
            raise TypeError("announcements carry ids, never model instances")
    signal.send(sender=None, **ids)
