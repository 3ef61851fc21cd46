"""The voucher fund in the ledger: issue, redemption, reimbursement by treasury payout and
lapse each post one balanced entry for the exact amount, and ledger_check holds."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from marketplace.accounts.models import MembershipRole
from marketplace.core.errors import DomainError, PermissionDeniedError
from marketplace.core.models import AuditEvent
from marketplace.core.money import Money
from marketplace.payments.ledger.check import ledger_problems
from marketplace.payments.ledger.models import AccountKind, EntryKind, JournalEntry, LedgerAccount
from marketplace.payments.ledger.posting import (
    account_balance,
    entry_post,
    ledger_account,
    organisation_payee_scope,
)
from marketplace.payments.models import OfflinePayout
from marketplace.payments.states import PaymentsAction
from tests.factories import StaffFactory, UserFactory, member_of
from tests.vouchers.conftest import invoice_file
from vouchers.deadlines import voucher_expiry
from vouchers.ledger import fund_owed, voucher_fund_scope
from vouchers.models import Voucher, VoucherOrder
from vouchers.services.orders import (
    order_confirm,
    order_deliver,
    redemption_approve,
    redemption_claim,
    voucher_order_place,
)
from vouchers.services.reimbursement import (
    reimbursement_approve,
    reimbursement_of,
    reimbursement_record,
    reimbursement_reject,
)

CNY = "CNY"


def _balance(kind, scope=""):
    account = LedgerAccount.objects.get(kind=kind, scope=scope, currency=CNY)
    return account_balance(account).amount


def _payable(order):
    return _balance(AccountKind.PAYEE_PAYABLE, organisation_payee_scope(order.provider_id))


@pytest.fixture
def order(voucher, service, maker):
    return voucher_order_place(actor=maker, voucher=voucher, service=service, amount="30000",
                               rest_payment="outside")


@pytest.fixture
def redeemed(order, provider, maker, operator):
    order_deliver(actor=provider, order=order)
    order_confirm(actor=maker, order=order)
    redemption_claim(actor=provider, order=order, invoice=invoice_file(), invoice_number="1")
    redemption_approve(actor=operator, order=order)
    order.refresh_from_db()
    return order


@pytest.fixture
def recorded(redeemed, staff):
    return reimbursement_record(actor=staff, order=redeemed, transfer_reference="GK-2026-001",
                                document=invoice_file("transfer.pdf"))


@pytest.fixture
def approver(makerspace):
    return member_of(makerspace.operator, MembershipRole.MEMBER, mfa=True)


def test_issuing_commits_the_allowance_to_the_makerspaces_fund(voucher):
    scope = voucher_fund_scope(voucher)
    assert scope == f"vouchers.fund:{voucher.makerspace_id}:{voucher.year}"
    entry = JournalEntry.objects.get(source_type="vouchers.voucher", source_id=voucher.pk)
    assert entry.kind == EntryKind.VOUCHER_ISSUED and entry.scope == scope
    assert _balance(AccountKind.GRANT_FUND, scope) == Decimal("50000")
    assert _balance(AccountKind.GRANT_COMMITTED, scope) == Decimal("50000")
    assert fund_owed(voucher.makerspace_id, voucher.year, CNY) == Money("50000", CNY)
    assert ledger_problems() == []


def test_an_order_keeps_the_money_in_the_fund_until_the_redemption_is_approved(order):
    scope = voucher_fund_scope(order.voucher)
    assert _balance(AccountKind.GRANT_FUND, scope) == Decimal("50000")
    assert not JournalEntry.objects.filter(source_type="vouchers.order").exists()
    assert ledger_problems() == []


def test_approving_a_redemption_owes_the_voucher_part_to_the_provider(redeemed):
    scope = voucher_fund_scope(redeemed.voucher)
    entry = JournalEntry.objects.get(source_type="vouchers.order", source_id=redeemed.pk)
    assert entry.kind == EntryKind.VOUCHER_REDEEMED
    assert _balance(AccountKind.GRANT_FUND, scope) == Decimal("20000")
    assert _payable(redeemed) == Decimal("30000")
    assert ledger_problems() == []


def test_a_treasury_payout_settles_the_reimbursement(recorded, redeemed, approver):
    assert recorded.status == OfflinePayout.Status.RECORDED
    assert recorded.amount == Money("30000", CNY) and recorded.payee_id == redeemed.provider_id
    assert reimbursement_of(redeemed) == recorded
    assert _payable(redeemed) == Decimal("30000")  # recorded only: still owed
    assert ledger_problems() == []
    reimbursement_approve(actor=approver, payout=recorded)
    recorded.refresh_from_db()
    assert recorded.status == OfflinePayout.Status.PAID and recorded.decided_by == approver
    assert _payable(redeemed) == Decimal("0")
    assert _balance(AccountKind.TREASURY_DISBURSED) == Decimal("30000")
    entry = JournalEntry.objects.get(source_type="offline_payout", source_id=recorded.pk)
    assert entry.kind == EntryKind.OFFLINE_PAYOUT_PAID and entry.scope == f"vouchers.order:{redeemed.pk}"
    assert ledger_problems() == []
    codes = set(AuditEvent.objects.values_list("action", flat=True))
    assert {PaymentsAction.OFFLINE_PAYOUT_RECORDED, PaymentsAction.OFFLINE_PAYOUT_PAID} <= codes
    with pytest.raises(DomainError) as err:  # once
        reimbursement_approve(actor=approver, payout=recorded)
    assert err.value.code == "offline_payout_paid"


def test_a_lapse_releases_the_unspent_balance(order):
    voucher = order.voucher
    scope = voucher_fund_scope(voucher)
    last = voucher.valid_until
    after = timezone.make_aware(timezone.datetime(last.year, last.month, last.day, 12)) + timedelta(days=1)
    with time_machine.travel(after, tick=False):
        assert voucher_expiry(timezone.now()) == 1
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.LAPSED and voucher.lapsed_amount == Decimal("20000")
    entry = JournalEntry.objects.get(source_type="vouchers.voucher", source_id=voucher.pk,
                                     kind=EntryKind.VOUCHER_LAPSED)
    assert entry.lines.get(amount__gt=0).amount == Decimal("20000")
    # what the order took stays owed until its redemption is decided
    assert _balance(AccountKind.GRANT_FUND, scope) == Decimal("30000")
    assert _balance(AccountKind.GRANT_COMMITTED, scope) == Decimal("30000")
    assert ledger_problems() == []


def test_a_spent_voucher_lapses_nothing_and_posts_nothing(voucher, service, maker):
    voucher_order_place(actor=maker, voucher=voucher, service=service, amount="50000",
                        rest_payment="outside")
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.SPENT
    assert JournalEntry.objects.filter(source_type="vouchers.voucher").count() == 1
    assert ledger_problems() == []


# ledger_check finds tampering ---------------------------------------------------------

def test_ledger_check_finds_a_voucher_whose_amount_was_changed(voucher):
    Voucher.objects.filter(pk=voucher.pk).update(amount_issued=Decimal("60000"),
                                                 balance_amount=Decimal("60000"))
    problems = ledger_problems()
    assert (f"vouchers.voucher {voucher.pk}: voucher_issued entry moved 50000.0000, "
            f"the record says 60000.0000") in problems
    assert any("grant_fund owes 50000.0000, the vouchers say 60000.0000" in p for p in problems)


def test_ledger_check_finds_a_redemption_without_its_entry_and_a_forged_lapse(order, voucher):
    VoucherOrder.objects.filter(pk=order.pk).update(status=VoucherOrder.Status.REDEEMED)
    problems = ledger_problems()
    assert f"vouchers.order {order.pk} (redeemed) has no voucher_redeemed entry" in problems
    VoucherOrder.objects.filter(pk=order.pk).update(status=VoucherOrder.Status.ORDERED)
    committed = ledger_account(AccountKind.GRANT_COMMITTED, CNY, voucher_fund_scope(voucher))
    fund = ledger_account(AccountKind.GRANT_FUND, CNY, voucher_fund_scope(voucher))
    entry_post(kind=EntryKind.VOUCHER_LAPSED, source_type="vouchers.voucher",
               source_id=voucher.pk, scope=voucher_fund_scope(voucher),
               lines=[(fund, Money("100", CNY)), (committed, Money("-100", CNY))])
    problems = ledger_problems()
    assert f"vouchers.voucher {voucher.pk} (active) should not have a voucher_lapsed entry" in problems


def test_ledger_check_finds_a_paid_payout_without_its_entry_and_an_orphan(recorded, voucher):
    OfflinePayout.objects.filter(pk=recorded.pk).update(status=OfflinePayout.Status.PAID)
    assert (f"offline_payout {recorded.pk} (paid) has no offline_payout_paid entry"
            in ledger_problems())
    OfflinePayout.objects.filter(pk=recorded.pk).update(status=OfflinePayout.Status.RECORDED)
    fund = ledger_account(AccountKind.GRANT_FUND, CNY, voucher_fund_scope(voucher))
    committed = ledger_account(AccountKind.GRANT_COMMITTED, CNY, voucher_fund_scope(voucher))
    entry_post(kind=EntryKind.VOUCHER_ISSUED, source_type="vouchers.voucher", source_id=99999,
               scope="vouchers.fund:0:2026",
               lines=[(committed, Money("5", CNY)), (fund, Money("-5", CNY))])
    assert "vouchers.voucher 99999: entries without their source record" in ledger_problems()


# who records and approves a reimbursement ----------------------------------------------

def test_the_programme_office_approves_with_mfa_but_not_its_own_record(redeemed, operator, staff):
    payout = reimbursement_record(actor=operator, order=redeemed, transfer_reference="GK-1",
                                  document=invoice_file("t.pdf"))
    with pytest.raises(PermissionDeniedError):
        reimbursement_approve(actor=operator, payout=payout)  # the recorder
    with pytest.raises(PermissionDeniedError):
        reimbursement_approve(actor=StaffFactory(), payout=payout)  # staff without MFA
    reimbursement_approve(actor=staff, payout=payout)
    payout.refresh_from_db()
    assert payout.status == OfflinePayout.Status.PAID
    assert ledger_problems() == []


@pytest.mark.parametrize("who", ["provider", "maker", "stranger", "other_operator",
                                 "member_without_mfa", "outsider_with_mfa"])
def test_others_cannot_approve_a_reimbursement(recorded, who, request, makerspace):
    people = {
        "member_without_mfa": lambda: member_of(makerspace.operator, MembershipRole.MEMBER),
        "outsider_with_mfa": lambda: UserFactory(mfa=True),
    }
    actor = people[who]() if who in people else request.getfixturevalue(who)
    with pytest.raises(PermissionDeniedError):
        reimbursement_approve(actor=actor, payout=recorded)
    with pytest.raises(PermissionDeniedError):
        reimbursement_reject(actor=actor, payout=recorded, reason="no")
    recorded.refresh_from_db()
    assert recorded.status == OfflinePayout.Status.RECORDED
    assert not JournalEntry.objects.filter(source_type="offline_payout").exists()


@pytest.mark.parametrize("who", ["provider", "maker", "stranger", "other_operator"])
def test_others_cannot_record_a_reimbursement(redeemed, who, request):
    with pytest.raises(PermissionDeniedError):
        reimbursement_record(actor=request.getfixturevalue(who), order=redeemed,
                             transfer_reference="GK-9", document=invoice_file("t.pdf"))
    assert not OfflinePayout.objects.exists()


def test_a_rejected_payout_leaves_the_reimbursement_owed(recorded, redeemed, approver, staff):
    with pytest.raises(DomainError) as err:
        reimbursement_reject(actor=approver, payout=recorded, reason="")
    assert err.value.code == "reason_required" or err.value.status_code == 400
    reimbursement_reject(actor=approver, payout=recorded, reason="wrong reference")
    recorded.refresh_from_db()
    assert recorded.status == OfflinePayout.Status.REJECTED
    assert _payable(redeemed) == Decimal("30000")
    assert reimbursement_of(redeemed) is None
    with pytest.raises(DomainError) as err:
        reimbursement_approve(actor=approver, payout=recorded)
    assert err.value.code == "offline_payout_rejected"
    again = reimbursement_record(actor=staff, order=redeemed, transfer_reference="GK-2026-002",
                                 document=invoice_file("t.pdf"))
    reimbursement_approve(actor=approver, payout=again)
    assert _payable(redeemed) == Decimal("0")
    assert ledger_problems() == []


# bad input ---------------------------------------------------------------------------

def test_an_order_not_yet_redeemed_is_not_reimbursed(order, provider, maker, staff):
    with pytest.raises(DomainError) as err:
        reimbursement_record(actor=staff, order=order, transfer_reference="GK-1",
                             document=invoice_file("t.pdf"))
    assert err.value.code == "not_redeemed" and err.value.status_code == 409
    assert not OfflinePayout.objects.exists()


def test_an_order_is_reimbursed_once(recorded, redeemed, staff, operator):
    with pytest.raises(DomainError) as err:
        reimbursement_record(actor=operator, order=redeemed, transfer_reference="GK-OTHER",
                             document=invoice_file("t.pdf"))
    assert err.value.code == "payout_already_recorded"
    assert OfflinePayout.objects.count() == 1


@pytest.mark.parametrize(("reference", "document", "code"), [
    ("", "pdf", "transfer_reference"),
    ("x" * 101, "pdf", "transfer_reference"),
    ("GK-1", None, "document_required"),
    ("GK-2026-001", "pdf", "transfer_reference_taken"),
])
def test_bad_transfer_input_is_refused_and_writes_nothing(recorded, redeemed, staff, reference,
                                                          document, code):
    OfflinePayout.objects.filter(pk=recorded.pk).update(status=OfflinePayout.Status.REJECTED)
    with pytest.raises(DomainError) as err:
        reimbursement_record(actor=staff, order=redeemed, transfer_reference=reference,
                             document=invoice_file("t.pdf") if document else None)
    assert err.value.code == code and 400 <= err.value.status_code < 500
    assert OfflinePayout.objects.count() == 1


def test_a_payout_above_what_is_owed_is_refused(recorded, redeemed, approver):
    OfflinePayout.objects.filter(pk=recorded.pk).update(amount_value=Decimal("30001"))
    recorded.refresh_from_db()
    with pytest.raises(DomainError) as err:
        reimbursement_approve(actor=approver, payout=recorded)
    assert err.value.code == "payout_above_owed"
    recorded.refresh_from_db()
    assert recorded.status == OfflinePayout.Status.RECORDED


def test_the_refusal_is_translated(order, staff):
    from django.utils import translation

    with translation.override("zh-hans"):
        with pytest.raises(DomainError) as err:
            reimbursement_record(actor=staff, order=order, transfer_reference="GK-1",
                                 document=invoice_file("t.pdf"))
        assert str(err.value.message) == "订单的兑付获批后方可拨付。"


def test_an_order_redeemed_after_its_voucher_lapsed_is_still_paid_from_the_fund(
        order, provider, maker, operator):
    voucher = order.voucher
    scope = voucher_fund_scope(voucher)
    order_deliver(actor=provider, order=order)
    order_confirm(actor=maker, order=order)
    redemption_claim(actor=provider, order=order, invoice=invoice_file(), invoice_number="1")
    last = voucher.valid_until
    after = timezone.make_aware(timezone.datetime(last.year, last.month, last.day, 12)) + timedelta(days=1)
    with time_machine.travel(after, tick=False):
        assert voucher_expiry(timezone.now()) == 1
        assert ledger_problems() == []
        redemption_approve(actor=operator, order=order)
    assert _balance(AccountKind.GRANT_FUND, scope) == Decimal("0")
    assert _balance(AccountKind.GRANT_COMMITTED, scope) == Decimal("30000")
    assert _payable(order) == Decimal("30000")
    assert ledger_problems() == []


def test_each_year_has_its_own_fund(voucher, apply, maker, operator):
    from vouchers.services.applications import voucher_issue

    next_year = timezone.make_aware(timezone.datetime(voucher.year + 1, 1, 2, 10))
    with time_machine.travel(next_year, tick=False):
        later = voucher_issue(actor=operator, application=apply(maker, amount="7000"))
    assert later.year == voucher.year + 1
    assert voucher_fund_scope(later) != voucher_fund_scope(voucher)
    assert _balance(AccountKind.GRANT_FUND, voucher_fund_scope(voucher)) == Decimal("50000")
    assert _balance(AccountKind.GRANT_FUND, voucher_fund_scope(later)) == Decimal("7000")
    assert ledger_problems() == []


def test_another_apps_payout_is_not_a_reimbursement(recorded, approver):
    OfflinePayout.objects.filter(pk=recorded.pk).update(cause="procurement.request:1")
    recorded.refresh_from_db()
    with pytest.raises(DomainError) as err:
        reimbursement_approve(actor=approver, payout=recorded)
    assert err.value.status_code == 404
    with pytest.raises(DomainError) as err:
        reimbursement_reject(actor=approver, payout=recorded, reason="x")
    assert err.value.status_code == 404
