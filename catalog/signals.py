"""Signals the catalogue sends after a commit, so other apps (search) can follow changes
without the catalogue importing them. Receivers get ids, never instances."""

from django.db import transaction
from django.dispatch import Signal

# kwargs: product_id: int
product_changed = Signal()
# kwargs: makerspace_id: int
makerspace_changed = Signal()


def send_after_commit(signal: Signal, **ids) -> None:
    transaction.on_commit(lambda: signal.send(sender=None, **ids))
