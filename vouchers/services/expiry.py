"""Expiry: a voucher still active after its last valid day lapses; its unspent balance
moves to ``lapsed`` (no longer spendable, still counted in the statistics) and the ledger
releases it from the makerspace's voucher fund (``voucher_lapsed``)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from marketplace.core.transitions import transition
from vouchers.ledger import post_voucher_lapsed
from vouchers.models import Voucher
from vouchers.names import VouchersAction
from vouchers.states import VOUCHER_STATES


def voucher_lapse(*, voucher: Voucher, today: date) -> Voucher:
    """Lapse ``voucher`` (called by the chronograph with the row locked)."""
    with transaction.atomic():
        transition(
            voucher, VOUCHER_STATES, Voucher.Status.LAPSED, actor=None,
            action=VouchersAction.VOUCHER_LAPSED,
            changes={"lapsed_amount": voucher.balance_amount, "balance_amount": 0},
            data={"lapsed": str(voucher.balance_amount), "on": today.isoformat()},
        )
        post_voucher_lapsed(voucher)  # the unspent balance leaves the fund
    return voucher
