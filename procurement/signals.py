"""Signals procurement announces (``marketplace.core.signals.announce``), ids only, so
search and others follow without procurement importing them."""

from django.dispatch import Signal

# what the public portal shows of a request changed (request_id): its notice was published,
# answered, priced, contracted, delivered, accepted, paid, terminated or cancelled after
# publication. Drafting and approval announce nothing (they are not public).
request_listing_changed = Signal()

# a contract was generated, signed by a side, signed or cancelled (contract_id)
contract_changed = Signal()
