"""Delivery, acceptance and payment over the API: thin views, 4xx naming the rule."""

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.payments.ledger.check import ledger_problems
from procurement.models import PurchaseRequest
from tests.catalog.factories import pdf_upload

R = PurchaseRequest.Status
pytestmark = pytest.mark.django_db


def api(name, pk):
    return reverse(f"procurement-api:{name}", args=[pk])


def test_delivery_acceptance_and_payment(api_client, signed, supplier, officer,
                                         approver_signer):
    pk = signed.request_id
    api_client.force_authenticate(supplier)
    answer = api_client.post(api("request-deliveries", pk),
                             {"quantity": 2, "delivered_on": str(timezone.localdate())},
                             format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "delivery_quantity"
    answer = api_client.post(api("request-deliveries", pk),
                             {"quantity": 3, "delivered_on": str(timezone.localdate()),
                              "note": "已送达"}, format="json")
    assert answer.status_code == 201 and answer.json()["status"] == "recorded"

    api_client.force_authenticate(officer)
    answer = api_client.post(api("request-acceptance", pk),
                             {"outcome": "fail", "experts": ["赵专家"]}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "reason_required"
    answer = api_client.post(api("request-acceptance", pk),
                             {"outcome": "pass", "experts": ["赵专家", "钱专家"]}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "passed"
    listed = api_client.get(api("request-deliveries", pk)).json()
    assert [d["experts"] for d in listed] == [["赵专家", "钱专家"]]

    answer = api_client.post(api("request-payment", pk),
                             {"transfer_reference": "GK-2026-7", "document": pdf_upload()},
                             format="multipart")
    assert answer.status_code == 201 and answer.json()["status"] == "requires_action"
    payment_id = answer.json()["id"]
    answer = api_client.post(api("payment-approve", payment_id))
    assert answer.status_code == 403  # the recorder is not the approver
    api_client.force_authenticate(approver_signer)
    answer = api_client.post(api("payment-approve", payment_id))
    assert answer.status_code == 200 and answer.json()["status"] == "succeeded"
    assert api_client.get(api("request", pk)).json()["status"] == R.PAID
    assert ledger_problems() == []


def test_rectification_and_termination(api_client, delivered, officer, supplier):
    api_client.force_authenticate(officer)
    answer = api_client.post(api("request-terminate", delivered.pk), {"reason": "x"},
                             format="json")
    assert answer.status_code == 409 and answer.json()["code"] == "not_failed"
    answer = api_client.post(api("request-acceptance", delivered.pk),
                             {"outcome": "fail", "experts": ["赵专家"], "reasons": "不合格",
                              "failure_action": "rectify"}, format="json")
    assert answer.status_code == 200 and answer.json()["failure_action"] == "rectify"
    api_client.force_authenticate(supplier)
    assert api_client.post(api("request-terminate", delivered.pk), {"reason": "x"},
                           format="json").status_code == 403
    api_client.force_authenticate(officer)
    answer = api_client.post(api("request-terminate", delivered.pk), {"reason": "逾期"},
                             format="json")
    assert answer.status_code == 200
    delivered.refresh_from_db()
    assert delivered.status == R.TERMINATED


def test_outsiders_and_anonymous(api_client, delivered, other_supplier, other_officer):
    assert api_client.get(api("request-deliveries", delivered.pk)).status_code in (401, 403)
    for person in (other_supplier, other_officer):
        api_client.force_authenticate(person)
        assert api_client.get(api("request-deliveries", delivered.pk)).status_code == 404
        answer = api_client.post(api("request-acceptance", delivered.pk),
                                 {"outcome": "pass", "experts": ["x"]}, format="json")
        assert answer.status_code == 404
    delivered.refresh_from_db()
    assert delivered.status == R.DELIVERED


def test_the_supplier_cannot_accept_its_own_delivery(api_client, delivered, supplier):
    api_client.force_authenticate(supplier)
    answer = api_client.post(api("request-acceptance", delivered.pk),
                             {"outcome": "pass", "experts": ["x"]}, format="json")
    assert answer.status_code == 403


def test_the_request_page_shows_contract_deliveries_and_payment(client, accepted, officer,
                                                                buyer_signer, other_officer):
    from procurement.services.payments import payment_record

    payment_record(actor=officer, request=accepted, transfer_reference="GK-PAGE-1",
                   document=pdf_upload())
    client.force_login(buyer_signer)
    answer = client.get(reverse("procurement:request", args=[accepted.pk]))
    assert answer.status_code == 200
    html = answer.content.decode()
    assert accepted.contract.number in html
    assert reverse("procurement:contract-pdf", args=[accepted.contract.pk]) in html
    assert "赵专家" in html and "GK-PAGE-1" in html
