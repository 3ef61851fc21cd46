"""The applicant hears of the decision after commit, once, in their language."""

import pytest

from marketplace.notifications.models import Notification
from vouchers.services.applications import voucher_issue, voucher_refuse
from vouchers.services.notify import DECIDED_KIND, applicant_notify_of_decision

pytestmark = pytest.mark.django_db


def test_the_applicant_is_told_of_the_voucher(application, operator, maker,
                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        voucher_issue(actor=operator, application=application)
    note = Notification.objects.get(user=maker, kind=DECIDED_KIND)
    assert "海创空间" in note.title and "创新券" in note.title  # zh-hans, the default
    assert applicant_notify_of_decision(application_id=application.pk) == 0  # once


def test_the_applicant_reads_the_reason_of_a_refusal(application, operator, maker,
                                                     django_capture_on_commit_callbacks):
    maker.preferred_language = "en"
    maker.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        voucher_refuse(actor=operator, application=application, reason="用途不符")
    note = Notification.objects.get(user=maker, kind=DECIDED_KIND)
    assert note.title.startswith("海创空间 refused your voucher application: 用途不符")


def test_nothing_is_told_before_a_decision(application):
    assert applicant_notify_of_decision(application_id=application.pk) == 0
    assert applicant_notify_of_decision(application_id=999999) == 0


def test_the_provider_hears_once_that_the_reimbursement_was_paid(
        voucher, service, maker, provider, provider_org, operator, staff,
        django_capture_on_commit_callbacks):
    from marketplace.accounts.models import MembershipRole
    from tests.factories import member_of
    from tests.vouchers.conftest import invoice_file
    from vouchers.services.notify import REIMBURSED_KIND, provider_notify_of_payment
    from vouchers.services.orders import (
        order_confirm,
        order_deliver,
        redemption_approve,
        redemption_claim,
        voucher_order_place,
    )
    from vouchers.services.reimbursement import reimbursement_approve, reimbursement_record

    order = voucher_order_place(actor=maker, voucher=voucher, service=service, amount="30000",
                                rest_payment="outside")
    order_deliver(actor=provider, order=order)
    order_confirm(actor=maker, order=order)
    redemption_claim(actor=provider, order=order, invoice=invoice_file(), invoice_number="1")
    redemption_approve(actor=operator, order=order)
    payout = reimbursement_record(actor=staff, order=order, transfer_reference="GK-55",
                                  document=invoice_file("t.pdf"))
    assert provider_notify_of_payment(payout_id=payout.pk) == 0  # not paid yet
    with django_capture_on_commit_callbacks(execute=True):
        reimbursement_approve(actor=member_of(voucher.makerspace.operator,
                                              MembershipRole.OWNER, mfa=True), payout=payout)
    note = Notification.objects.get(user=provider, kind=REIMBURSED_KIND)
    assert "国库已就“结构设计”支付" in note.title and "GK-55" in note.title
    assert not Notification.objects.filter(user=maker, kind=REIMBURSED_KIND).exists()
    assert provider_notify_of_payment(payout_id=payout.pk) == 0  # once
    member_of(provider_org, MembershipRole.MEMBER)
    assert provider_notify_of_payment(payout_id=payout.pk) == 1  # a new member only
