"""The list APIs read a page in a fixed number of queries, whatever its length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.vouchers.conftest import verified_user
from vouchers.services.applications import voucher_issue
from vouchers.services.orders import voucher_order_place

pytestmark = pytest.mark.django_db


def queries(api_client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert api_client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_applications_vouchers_and_orders_lists(api_client, apply, operator, maker, service,
                                                company, company_owner):
    from tests.vouchers.conftest import REGISTERED

    def add(n):
        for _ in range(n):
            application = apply(maker, amount="1000")
            voucher = voucher_issue(actor=operator, application=application)
            voucher_order_place(actor=maker, voucher=voucher, service=service, amount="500",
                                rest_payment="outside")
        apply(company_owner, organisation=company, registered_on=REGISTERED)
        verified_user()

    paths = [reverse("vouchers-api:applications"), reverse("vouchers-api:orders")]
    add(1)
    api_client.force_authenticate(operator)
    few = [queries(api_client, p) for p in paths]
    api_client.force_authenticate(maker)
    few_mine = queries(api_client, reverse("vouchers-api:my-vouchers"))
    add(4)
    api_client.force_authenticate(operator)
    assert [queries(api_client, p) for p in paths] == few
    api_client.force_authenticate(maker)
    assert queries(api_client, reverse("vouchers-api:my-vouchers")) == few_mine
