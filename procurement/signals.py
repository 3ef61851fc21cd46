"""Signals procurement announces (``marketplace.core.signals.announce``), ids only, so
search and others follow without procurement importing them."""

from django.dispatch import Signal

# a public notice appeared or changed (request_id)
notice_changed = Signal()

# a contract was generated, signed by a side, signed or cancelled (contract_id)
contract_changed = Signal()
