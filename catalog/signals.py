"""Signals the catalogue announces (``marketplace.core.signals.announce``), so other apps
(search) follow changes without the catalogue importing them. Receivers get ids, never
instances, and run in the change's transaction: they defer their work until commit."""

from django.dispatch import Signal

# kwargs: product_id: int
product_changed = Signal()
# kwargs: makerspace_id: int
makerspace_changed = Signal()
