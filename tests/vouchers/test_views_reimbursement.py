"""The makerspace page: record the treasury transfer reimbursing a redeemed order, and
another person approves (MFA) or rejects it; the wrong people are refused."""

import pytest
from django.urls import reverse

from marketplace.accounts.models import MembershipRole
from marketplace.payments.ledger.check import ledger_problems
from marketplace.payments.models import OfflinePayout
from tests.factories import member_of
from tests.vouchers.conftest import invoice_file
from vouchers.services.orders import (
    order_confirm,
    order_deliver,
    redemption_approve,
    redemption_claim,
    voucher_order_place,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def redeemed(voucher, service, maker, provider, operator):
    order = voucher_order_place(actor=maker, voucher=voucher, service=service, amount="30000",
                                rest_payment="outside")
    order_deliver(actor=provider, order=order)
    order_confirm(actor=maker, order=order)
    redemption_claim(actor=provider, order=order, invoice=invoice_file(), invoice_number="1")
    redemption_approve(actor=operator, order=order)
    return order


def step(client, order, **data):
    return client.post(reverse("vouchers:order_step", args=[order.pk]), data)


def test_record_and_approve_on_the_makerspace_page(client, redeemed, operator, makerspace,
                                                   provider):
    page = reverse("vouchers:makerspace", args=[makerspace.slug])
    client.force_login(operator)
    assert "登记国库转账" in client.get(page).content.decode()
    answer = step(client, redeemed, action="reimburse", transfer_reference="GK-7",
                  document=invoice_file("t.pdf"))
    assert answer.status_code == 302 and answer.url == page
    payout = OfflinePayout.objects.get()
    assert payout.status == OfflinePayout.Status.RECORDED
    assert "GK-7" in client.get(page).content.decode()
    step(client, redeemed, action="reimbursement_approve")  # the recorder: refused
    assert step(client, redeemed, action="reimbursement_approve").status_code == 403
    client.force_login(provider)
    assert step(client, redeemed, action="reimbursement_approve").status_code == 403
    client.force_login(member_of(makerspace.operator, MembershipRole.MEMBER, mfa=True))
    assert step(client, redeemed, action="reimbursement_approve").status_code == 302
    payout.refresh_from_db()
    assert payout.status == OfflinePayout.Status.PAID
    assert "GK-7" not in client.get(page).content.decode()
    assert ledger_problems() == []


def test_bad_input_and_rejection_on_the_page(client, redeemed, operator, staff, makerspace):
    client.force_login(operator)
    answer = step(client, redeemed, action="reimburse", transfer_reference="GK-7")
    assert answer.status_code == 302 and not OfflinePayout.objects.exists()
    messages = [str(m) for m in answer.wsgi_request._messages]
    assert "请附上转账凭证。" in messages  # zh-hans, the default
    step(client, redeemed, action="reimburse", transfer_reference="GK-7",
         document=invoice_file("t.pdf"))
    client.force_login(staff)
    step(client, redeemed, action="reimbursement_reject", reason="")
    assert OfflinePayout.objects.get().status == OfflinePayout.Status.RECORDED
    step(client, redeemed, action="reimbursement_reject", reason="wrong amount on the slip")
    assert OfflinePayout.objects.get().status == OfflinePayout.Status.REJECTED
    answer = step(client, redeemed, action="reimbursement_approve")
    assert answer.status_code == 302
    assert "此订单尚未登记国库支付。" in [str(m) for m in answer.wsgi_request._messages]


def _redeem(voucher, service, maker, provider, operator, amount="5000"):
    order = voucher_order_place(actor=maker, voucher=voucher, service=service, amount=amount,
                                rest_payment="outside")
    order_deliver(actor=provider, order=order)
    order_confirm(actor=maker, order=order)
    redemption_claim(actor=provider, order=order, invoice=invoice_file(), invoice_number="1")
    redemption_approve(actor=operator, order=order)
    return order


def test_the_page_asks_the_same_queries_for_more_reimbursements(client, voucher, service, maker,
                                                                provider, operator, staff,
                                                                makerspace):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = reverse("vouchers:makerspace", args=[makerspace.slug])
    first = _redeem(voucher, service, maker, provider, operator)
    client.force_login(operator)
    step(client, first, action="reimburse", transfer_reference="GK-A",
         document=invoice_file("t.pdf"))
    client.get(page)
    with CaptureQueriesContext(connection) as few:
        client.get(page)
    for n in range(3):
        order = _redeem(voucher, service, maker, provider, operator)
        step(client, order, action="reimburse", transfer_reference=f"GK-{n}",
             document=invoice_file("t.pdf"))
    _redeem(voucher, service, maker, provider, operator)  # none recorded yet
    with CaptureQueriesContext(connection) as more:
        body = client.get(page).content.decode()
    assert "GK-2" in body
    assert len(more) == len(few)


def test_the_programme_office_sees_reimbursements_of_every_makerspace(client, redeemed, staff,
                                                                      operator, makerspace):
    client.force_login(staff)
    body = client.get(reverse("vouchers:office")).content.decode()
    assert "待拨付的兑付款" in body and makerspace.name in body
    answer = step(client, redeemed, action="reimburse", transfer_reference="GK-OFFICE",
                  document=invoice_file("t.pdf"))
    assert answer.status_code == 302
    assert "GK-OFFICE" in client.get(reverse("vouchers:office")).content.decode()
    client.force_login(member_of(makerspace.operator, MembershipRole.OWNER, mfa=True))
    step(client, redeemed, action="reimbursement_approve")
    client.force_login(staff)
    assert "GK-OFFICE" not in client.get(reverse("vouchers:office")).content.decode()
