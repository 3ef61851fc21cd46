"""Deadline handlers of the voucher programme, run by the chronograph."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from marketplace.core.chronograph import deadline_handler, process_due
from vouchers.models import Voucher
from vouchers.services.expiry import voucher_lapse


@deadline_handler("vouchers.voucher_expiry")
def voucher_expiry(now: datetime) -> int:
    """Active vouchers whose last valid day is before today lapse. Rows are taken with
    SELECT ... FOR UPDATE SKIP LOCKED in batches; a lapsed voucher no longer matches."""
    today = timezone.localdate(now)
    due = Voucher.objects.filter(status=Voucher.Status.ACTIVE, valid_until__lt=today).order_by("pk")
    return process_due(due, lambda voucher: voucher_lapse(voucher=voucher, today=today))
