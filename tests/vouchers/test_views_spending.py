"""The spending pages: a maker orders with a voucher and confirms; the provider lists a
service, marks delivered and claims with the invoice; the wrong people are refused."""

import pytest
from django.urls import reverse

from tests.vouchers.conftest import invoice_file
from vouchers.models import Service, VoucherOrder

pytestmark = pytest.mark.django_db


def test_order_deliver_confirm_and_claim_on_the_pages(client, voucher, service, maker,
                                                      provider, provider_org, stranger):
    client.force_login(stranger)
    assert client.get(reverse("vouchers:order", args=[voucher.pk])).status_code == 404
    client.force_login(maker)
    assert "结构设计" in client.get(reverse("vouchers:order", args=[voucher.pk])).content.decode()
    answer = client.post(reverse("vouchers:order", args=[voucher.pk]),
                         {"service": service.pk, "amount": "60000", "rest_payment": "outside"})
    assert answer.status_code == 409 and not VoucherOrder.objects.exists()
    answer = client.post(reverse("vouchers:order", args=[voucher.pk]),
                         {"service": service.pk, "amount": "30000", "rest_payment": "outside"})
    assert answer.status_code == 302
    order = VoucherOrder.objects.get()
    assert client.post(reverse("vouchers:order_step", args=[order.pk]),
                       {"action": "deliver"}).status_code == 403  # the maker does not deliver
    order.refresh_from_db()
    assert order.status == "ordered"
    client.force_login(provider)
    page = client.get(reverse("vouchers:provider", args=[provider_org.slug])).content.decode()
    assert "结构设计" in page
    client.post(reverse("vouchers:order_step", args=[order.pk]), {"action": "deliver"})
    client.force_login(maker)
    assert "vouchers/orders" in client.get(reverse("vouchers:mine")).content.decode()
    client.post(reverse("vouchers:order_step", args=[order.pk]), {"action": "confirm"})
    client.force_login(provider)
    client.post(reverse("vouchers:order_step", args=[order.pk]),
                {"action": "claim", "invoice_number": "No.9", "invoice": invoice_file()})
    order.refresh_from_db()
    assert order.status == "claimed" and order.invoice_number == "No.9"


def test_a_provider_lists_a_service_on_its_page(client, provider, provider_org, programme,
                                                maker):
    client.force_login(maker)
    assert client.get(reverse("vouchers:provider", args=[provider_org.slug])).status_code == 403
    client.force_login(provider)
    answer = client.post(reverse("vouchers:provider", args=[provider_org.slug]),
                         {"category": "intellectual_property", "name": "商标注册",
                          "price": "3000"})
    assert answer.status_code == 302 and Service.objects.get().name == "商标注册"
    menu = client.get(reverse("vouchers:mine")).content.decode()
    assert reverse("vouchers:provider_by_id", args=[provider_org.pk]) in menu
    assert client.get(reverse("vouchers:provider_by_id",
                              args=[provider_org.pk])).status_code == 302
    assert client.get(reverse("vouchers:provider_by_id", args=[999999])).status_code == 404


def test_the_makerspace_approves_a_redemption_on_its_page(client, voucher, service, maker,
                                                          provider, operator, other_operator):
    from vouchers.services.orders import (
        order_confirm,
        order_deliver,
        redemption_claim,
        voucher_order_place,
    )

    order = voucher_order_place(actor=maker, voucher=voucher, service=service, amount="100",
                                rest_payment="outside")
    order_deliver(actor=provider, order=order)
    order_confirm(actor=maker, order=order)
    redemption_claim(actor=provider, order=order, invoice=invoice_file(), invoice_number="No.7")
    client.force_login(other_operator)
    assert client.post(reverse("vouchers:order_step", args=[order.pk]),
                       {"action": "approve"}).status_code == 404
    client.force_login(operator)
    page = client.get(reverse("vouchers:makerspace", args=["haichuang"])).content.decode()
    assert "No.7" in page
    client.post(reverse("vouchers:order_step", args=[order.pk]), {"action": "approve"})
    order.refresh_from_db()
    assert order.status == "redeemed" and order.redeemed_by == operator
