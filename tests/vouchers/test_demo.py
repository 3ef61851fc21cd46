"""The voucher demo seeder: makerspaces of several districts in the pilot, vouchers
issued and an order, the same data when run twice."""

import pytest

from marketplace.core.demo import registered_seeders
from tests.catalog.factories import MakerspaceFactory
from tests.factories import StaffFactory
from vouchers.demo import seed_vouchers
from vouchers.models import PilotAdmission, Voucher, VoucherApplication, VoucherOrder

pytestmark = pytest.mark.django_db


def test_the_seeder_is_registered():
    assert "vouchers" in {s.name for s in registered_seeders()}


def test_seeding_twice_gives_the_same_data():
    StaffFactory(email="staff@demo.local")
    for district in ("laoshan", "huangdao", "laixi", "shinan"):
        MakerspaceFactory(district=district)
    summary = seed_vouchers(lambda message: None)
    counts = (PilotAdmission.objects.count(), VoucherApplication.objects.count(),
              Voucher.objects.count(), VoucherOrder.objects.count())
    assert summary["makerspaces in the pilot"] == 3  # the fourth waits for staff
    assert PilotAdmission.objects.filter(status="applied").count() == 1
    assert counts[2] > 0 and counts[3] > 0
    assert VoucherApplication.objects.filter(status="submitted").exists()
    seed_vouchers(lambda message: None)
    assert (PilotAdmission.objects.count(), VoucherApplication.objects.count(),
            Voucher.objects.count(), VoucherOrder.objects.count()) == counts
