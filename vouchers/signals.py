"""Signals the voucher programme announces (``marketplace.core.signals.announce``), ids
only."""

from django.dispatch import Signal

# a makerspace issued a voucher (voucher_id)
voucher_issued = Signal()
