"""Signals payments announces (``marketplace.core.signals.announce``) so the pillars
(crowdfunding, procurement) follow the money without payments importing them. Receivers
get ids and run in the change's transaction: they defer their work until commit.

* ``attempt_changed``: attempt_id, status (succeeded, failed, canceled, requires_action)
* ``refund_changed``: refund_id, attempt_id, status (succeeded, failed)
* ``payout_changed``: payout_id, status (approved, paid, failed, canceled)
* ``account_changed``: account_id, status
"""

from django.dispatch import Signal

attempt_changed = Signal()
refund_changed = Signal()
payout_changed = Signal()
account_changed = Signal()
