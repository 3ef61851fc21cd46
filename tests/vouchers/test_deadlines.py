"""Expiry: an unspent voucher lapses after its last valid day (travelled time), once."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from marketplace.core.chronograph import registered_handlers
from marketplace.core.errors import DomainError
from marketplace.core.models import AuditEvent
from vouchers.deadlines import voucher_expiry
from vouchers.models import Voucher
from vouchers.names import VouchersAction
from vouchers.services.orders import voucher_order_place

pytestmark = pytest.mark.django_db


def test_the_handler_is_registered():
    assert registered_handlers()["vouchers.voucher_expiry"] is voucher_expiry


def test_a_voucher_is_valid_through_its_last_day_and_lapses_after(voucher, service, maker):
    voucher_order_place(actor=maker, voucher=voucher, service=service, amount="20000",
                        rest_payment="outside")
    last = voucher.valid_until
    noon = timezone.make_aware(timezone.datetime(last.year, last.month, last.day, 12))
    with time_machine.travel(noon, tick=False):
        assert voucher_expiry(timezone.now()) == 0
        voucher_order_place(actor=maker, voucher=voucher, service=service, amount="1",
                            rest_payment="outside")
    with time_machine.travel(noon + timedelta(days=1), tick=False):
        assert voucher_expiry(timezone.now()) == 1
        assert voucher_expiry(timezone.now()) == 0  # once
        voucher.refresh_from_db()
        assert voucher.status == Voucher.Status.LAPSED
        assert voucher.balance_amount == 0 and voucher.lapsed_amount == Decimal("29999")
        with pytest.raises(DomainError) as err:
            voucher_order_place(actor=maker, voucher=voucher, service=service, amount="1",
                                rest_payment="outside")
        assert err.value.code == "voucher_not_usable"
    assert AuditEvent.objects.filter(action=VouchersAction.VOUCHER_LAPSED).count() == 1


def test_a_spent_voucher_does_not_lapse(voucher, service, maker):
    voucher_order_place(actor=maker, voucher=voucher, service=service, rest_payment="card")
    with time_machine.travel(timezone.now() + timedelta(days=400), tick=False):
        assert voucher_expiry(timezone.now()) == 0
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.SPENT and voucher.lapsed_amount == 0
