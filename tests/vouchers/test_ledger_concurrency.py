"""A reimbursement is recorded and paid once, also when people act at the same moment
(PostgreSQL, real threads)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from marketplace.accounts.models import MembershipRole
from marketplace.core.errors import DomainError
from marketplace.payments.ledger.check import ledger_problems
from marketplace.payments.ledger.models import JournalEntry
from marketplace.payments.models import OfflinePayout
from tests.factories import StaffFactory, member_of
from tests.vouchers.conftest import invoice_file
from vouchers.services.orders import (
    order_confirm,
    order_deliver,
    redemption_approve,
    redemption_claim,
    voucher_order_place,
)
from vouchers.services.reimbursement import reimbursement_approve, reimbursement_record

pytestmark = [pytest.mark.django_db(transaction=True)]


def _together(calls):
    barrier = threading.Barrier(len(calls))
    results = []

    def run(call):
        try:
            barrier.wait(timeout=30)
            call()
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(results) == len(calls)
    return sorted(results)


@pytest.fixture
def redeemed(voucher, service, maker, provider, operator):
    order = voucher_order_place(actor=maker, voucher=voucher, service=service, amount="30000",
                                rest_payment="outside")
    order_deliver(actor=provider, order=order)
    order_confirm(actor=maker, order=order)
    redemption_claim(actor=provider, order=order, invoice=invoice_file(), invoice_number="1")
    redemption_approve(actor=operator, order=order)
    order.refresh_from_db()
    return order


def test_four_records_at_once_record_one_payout(requires_postgres, redeemed, staff, operator):
    people = [staff, operator, StaffFactory(), member_of(redeemed.voucher.makerspace.operator,
                                                         MembershipRole.MEMBER)]
    calls = [
        (lambda who=who, n=n: reimbursement_record(
            actor=who, order=redeemed, transfer_reference=f"GK-{n}",
            document=invoice_file("t.pdf")))
        for n, who in enumerate(people)
    ]
    assert _together(calls) == ["ok"] + ["payout_already_recorded"] * 3
    assert OfflinePayout.objects.count() == 1


def test_four_approvals_at_once_pay_once(requires_postgres, redeemed, staff, makerspace):
    payout = reimbursement_record(actor=staff, order=redeemed, transfer_reference="GK-1",
                                  document=invoice_file("t.pdf"))
    approvers = [StaffFactory(mfa=True), StaffFactory(mfa=True),
                 member_of(makerspace.operator, MembershipRole.MEMBER, mfa=True),
                 member_of(makerspace.operator, MembershipRole.OWNER, mfa=True)]
    calls = [(lambda who=who: reimbursement_approve(
        actor=who, payout=OfflinePayout.objects.get(pk=payout.pk))) for who in approvers]
    assert _together(calls) == ["offline_payout_paid"] * 3 + ["ok"]
    assert JournalEntry.objects.filter(source_type="offline_payout").count() == 1
    entry = JournalEntry.objects.get(source_type="offline_payout")
    assert entry.lines.get(amount__gt=0).amount == Decimal("30000")
    assert ledger_problems() == []
