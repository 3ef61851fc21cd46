"""The spending API: services, orders, delivery, confirmation, redemption with the
private invoice; errors as 4xx naming the rule, nothing written."""

import pytest
from django.urls import reverse

from marketplace.accounts.models import MembershipRole
from tests.factories import MembershipFactory
from tests.vouchers.conftest import invoice_file
from vouchers.models import Service, VoucherOrder

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"vouchers-api:{name}", args=args)


def test_a_provider_lists_a_service_and_makers_see_it(api_client, provider, provider_org,
                                                      programme, maker):
    api_client.force_authenticate(provider)
    answer = api_client.post(url("services"), {"provider": provider_org.slug,
                                               "category": "inspection_testing",
                                               "name": "材料检测", "price": "12000"},
                             format="json")
    assert answer.status_code == 201, answer.json()
    api_client.force_authenticate(maker)
    rows = api_client.get(url("services"), {"category": "inspection_testing"}).json()["results"]
    assert [row["name"] for row in rows] == ["材料检测"]
    answer = api_client.post(url("services"), {"provider": provider_org.slug,
                                               "category": "rd_design", "name": "x",
                                               "price": "1"}, format="json")
    assert answer.status_code == 403 and Service.objects.count() == 1


def test_the_flow_over_the_api(api_client, voucher, service, maker, provider, operator,
                               stranger):
    api_client.force_authenticate(maker)
    answer = api_client.post(url("orders"), {"voucher": voucher.pk, "service": service.pk,
                                             "amount": "30000", "rest_payment": "outside"},
                             format="json")
    assert answer.status_code == 201, answer.json()
    pk = answer.json()["id"]
    assert answer.json()["rest"] == "50000.0000"
    api_client.force_authenticate(stranger)
    assert api_client.get(url("order", pk)).status_code == 404
    api_client.force_authenticate(provider)
    assert api_client.post(url("order-deliver", pk)).json()["status"] == "delivered"
    api_client.force_authenticate(maker)
    assert api_client.post(url("order-confirm", pk)).json()["status"] == "confirmed"
    api_client.force_authenticate(provider)
    answer = api_client.post(url("order-claim", pk), {"invoice_number": "1"})
    assert answer.status_code == 400 and answer.json()["code"] == "invoice_required"
    answer = api_client.post(url("order-claim", pk), {"invoice_number": "No.1",
                                                      "invoice": invoice_file()})
    assert answer.json()["status"] == "claimed" and answer.json()["has_invoice"]
    answer = api_client.post(url("order-claim", pk), {"invoice_number": "No.2",
                                                      "invoice": invoice_file()})
    assert answer.status_code == 409 and answer.json()["code"] == "already_claimed"
    assert api_client.get(url("order-invoice", pk)).status_code == 200
    api_client.force_authenticate(maker)  # the invoice is the provider's and the makerspace's
    assert api_client.get(url("order-invoice", pk)).status_code == 404
    api_client.force_authenticate(operator)
    invoice = api_client.get(url("order-invoice", pk))
    assert invoice.status_code == 200 and invoice["Cache-Control"] == "private, no-store"
    assert api_client.post(url("order-approve", pk)).json()["status"] == "redeemed"
    assert [row["id"] for row in api_client.get(url("orders")).json()["results"]] == [pk]


@pytest.mark.parametrize("changes, status, code", [
    ({"amount": "0"}, 400, "invalid_money"),
    ({"amount": "50000.01"}, 409, "above_balance"),
    ({"rest_payment": "barter"}, 400, "invalid"),
    ({"service": 999999}, 404, "not_found"),
])
def test_bad_orders_are_4xx(api_client, voucher, service, maker, changes, status, code):
    api_client.force_authenticate(maker)
    values = {"voucher": voucher.pk, "service": service.pk, "amount": "100",
              "rest_payment": "outside", **changes}
    answer = api_client.post(url("orders"), values, format="json")
    assert answer.status_code == status and answer.json()["code"] == code
    assert not VoucherOrder.objects.exists()


def test_a_related_party_is_a_409(api_client, voucher, service, maker, provider_org):
    MembershipFactory(organisation=provider_org, user=maker, role=MembershipRole.MEMBER)
    api_client.force_authenticate(maker)
    answer = api_client.post(url("orders"), {"voucher": voucher.pk, "service": service.pk,
                                             "amount": "100", "rest_payment": "outside"},
                             format="json")
    assert answer.status_code == 409 and answer.json()["code"] == "related_party"


def test_someone_elses_voucher_is_not_found(api_client, voucher, service, stranger):
    api_client.force_authenticate(stranger)
    answer = api_client.post(url("orders"), {"voucher": voucher.pk, "service": service.pk},
                             format="json")
    assert answer.status_code == 404
