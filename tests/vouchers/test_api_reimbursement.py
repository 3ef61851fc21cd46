"""The reimbursement API: record the treasury transfer, approve (MFA, not the recorder)
or reject it; 4xx naming the rule, nothing written; who sees it."""

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


def url(name, *args):
    return reverse(f"vouchers-api:{name}", args=args)


@pytest.fixture
def order(voucher, service, maker, provider):
    order = voucher_order_place(actor=maker, voucher=voucher, service=service, amount="30000",
                                rest_payment="outside")
    order_deliver(actor=provider, order=order)
    order_confirm(actor=maker, order=order)
    redemption_claim(actor=provider, order=order, invoice=invoice_file(), invoice_number="1")
    return order


def test_record_and_approve_over_the_api(api_client, order, operator, staff, provider, maker):
    api_client.force_authenticate(staff)
    answer = api_client.post(url("order-reimbursement", order.pk),
                             {"transfer_reference": "GK-1", "document": invoice_file("t.pdf")})
    assert answer.status_code == 409 and answer.json()["code"] == "not_redeemed"
    redemption_approve(actor=operator, order=order)
    answer = api_client.post(url("order-reimbursement", order.pk),
                             {"transfer_reference": "GK-1"})
    assert answer.status_code == 400 and answer.json()["code"] == "document_required"
    answer = api_client.post(url("order-reimbursement", order.pk),
                             {"transfer_reference": "GK-1", "document": invoice_file("t.pdf")})
    assert answer.status_code == 201, answer.json()
    assert answer.json()["status"] == "recorded" and answer.json()["amount"] == "30000.0000"
    assert api_client.post(url("order-reimbursement-approve", order.pk)).status_code == 403
    api_client.force_authenticate(provider)
    assert api_client.get(url("order-reimbursement", order.pk)).json()["status"] == "recorded"
    assert api_client.post(url("order-reimbursement-approve", order.pk)).status_code == 403
    api_client.force_authenticate(maker)
    assert api_client.get(url("order-reimbursement", order.pk)).status_code == 404
    approver = member_of(order.voucher.makerspace.operator, MembershipRole.OWNER, mfa=True)
    api_client.force_authenticate(approver)
    answer = api_client.post(url("order-reimbursement-approve", order.pk))
    assert answer.status_code == 200 and answer.json()["status"] == "paid"
    answer = api_client.post(url("order-reimbursement-approve", order.pk))
    assert answer.status_code == 409 and answer.json()["code"] == "offline_payout_paid"
    assert ledger_problems() == []


def test_reject_over_the_api_needs_a_reason(api_client, order, operator, staff):
    redemption_approve(actor=operator, order=order)
    api_client.force_authenticate(operator)
    assert api_client.post(url("order-reimbursement-approve", order.pk)).status_code == 404
    api_client.post(url("order-reimbursement", order.pk),
                    {"transfer_reference": "GK-1", "document": invoice_file("t.pdf")})
    api_client.force_authenticate(staff)
    answer = api_client.post(url("order-reimbursement-reject", order.pk), {"reason": ""},
                             format="json")
    assert answer.status_code == 400
    answer = api_client.post(url("order-reimbursement-reject", order.pk),
                             {"reason": "wrong reference"}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "rejected"
    answer = api_client.get(url("order-reimbursement", order.pk))
    assert answer.status_code == 404
    assert OfflinePayout.objects.get().status == OfflinePayout.Status.REJECTED


def test_strangers_see_no_reimbursement(api_client, order, stranger, other_operator):
    for who in (stranger, other_operator):
        api_client.force_authenticate(who)
        assert api_client.get(url("order-reimbursement", order.pk)).status_code == 404
        answer = api_client.post(url("order-reimbursement", order.pk),
                                 {"transfer_reference": "GK-1", "document": invoice_file("t.pdf")})
        assert answer.status_code == 404
    assert not OfflinePayout.objects.exists()


def test_the_reimbursement_is_in_the_schema(api_client):
    paths = api_client.get("/api/schema/?format=json").json()["paths"]
    assert any(path.endswith("/reimbursement/approve/") for path in paths)
