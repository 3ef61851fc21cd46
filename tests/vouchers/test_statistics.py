"""The programme office's statistics: per makerspace and category, issued, spent,
redeemed and lapsed; staff only; as JSON, a page and CSV."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from marketplace.core.errors import PermissionDeniedError
from tests.vouchers.conftest import invoice_file
from vouchers.deadlines import voucher_expiry
from vouchers.services.applications import voucher_issue
from vouchers.services.orders import (
    order_confirm,
    order_deliver,
    redemption_approve,
    redemption_claim,
    voucher_order_place,
)
from vouchers.statistics import statistics_for_viewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(apply, maker, operator, provider, service):
    first = voucher_issue(actor=operator, application=apply(maker, amount="50000"))
    voucher_issue(actor=operator, application=apply(maker, amount="10000",
                                                    category="intellectual_property"))
    order = voucher_order_place(actor=maker, voucher=first, service=service, amount="30000",
                                rest_payment="outside")
    voucher_order_place(actor=maker, voucher=first, service=service, amount="5000",
                        rest_payment="outside")
    order_deliver(actor=provider, order=order)
    order_confirm(actor=maker, order=order)
    redemption_claim(actor=provider, order=order, invoice=invoice_file(), invoice_number="1")
    redemption_approve(actor=operator, order=order)


def test_the_figures(activity, staff, programme):
    year = timezone.localdate().year
    with time_machine.travel(timezone.now() + timedelta(days=400), tick=False):
        voucher_expiry(timezone.now())
    rows = {r.category: r for r in statistics_for_viewer(user=staff, programme=programme,
                                                         year=year)}
    assert rows["rd_design"].issued == Decimal("50000")
    assert rows["rd_design"].spent == Decimal("35000")
    assert rows["rd_design"].redeemed == Decimal("30000")
    assert rows["rd_design"].lapsed == Decimal("15000")
    assert rows["intellectual_property"].issued == Decimal("10000")
    assert rows["intellectual_property"].lapsed == Decimal("10000")


@pytest.mark.parametrize("who", ["maker", "operator", "provider"])
def test_only_staff(activity, programme, request, who):
    with pytest.raises(PermissionDeniedError):
        statistics_for_viewer(user=request.getfixturevalue(who), programme=programme, year=2026)


def test_the_api_the_page_and_the_csv(api_client, client, activity, staff, operator):
    api_client.force_authenticate(staff)
    rows = api_client.get(reverse("vouchers-api:statistics")).json()
    assert {r["category"] for r in rows} == {"rd_design", "intellectual_property"}
    assert api_client.get(reverse("vouchers-api:statistics"),
                          {"year": "20x6"}).json()["code"] == "bad_year"
    api_client.force_authenticate(operator)
    assert api_client.get(reverse("vouchers-api:statistics")).status_code == 403
    client.force_login(staff)
    page = client.get(reverse("vouchers:office"))
    assert page.status_code == 200
    svg = page.content.decode().split('<svg class="voucher-chart"')[1].split("</svg>")[0]
    assert "60,000" in svg and "海创空间" in svg  # issued: 50,000 + 10,000
    answer = client.get(reverse("vouchers:statistics_csv"))
    text = answer.content.decode("utf-8-sig")
    assert answer["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0] == ("makerspace,makerspace_name,category,category_name,"
                                    "currency,issued,spent,redeemed,lapsed")
    assert "haichuang,海创空间,rd_design,研发设计,CNY,50000" in text
    client.force_login(operator)
    assert client.get(reverse("vouchers:statistics_csv")).status_code == 403


def test_staff_admit_from_the_office(client, programme, makerspace, operator, staff):
    from vouchers.models import PilotAdmission
    from vouchers.services.pilot import pilot_apply

    admission = pilot_apply(actor=operator, makerspace=makerspace, programme=programme)
    client.force_login(operator)
    assert client.post(reverse("vouchers:admission_decide", args=[admission.pk]),
                       {"action": "admit"}).status_code == 403
    client.force_login(staff)
    page = client.get(reverse("vouchers:office")).content.decode()
    assert "海创空间" in page
    client.post(reverse("vouchers:admission_decide", args=[admission.pk]), {"action": "admit"})
    admission.refresh_from_db()
    assert admission.status == PilotAdmission.Status.ADMITTED


def test_the_chart_escapes_names_and_handles_no_data():
    from vouchers.charts import statistics_chart_svg
    from vouchers.statistics import StatisticsRow

    assert "svg" not in statistics_chart_svg([], currency="CNY")
    row = StatisticsRow("x", "<script>", "rd_design", "R&D", "CNY", issued=Decimal("10"))
    svg = str(statistics_chart_svg([row], currency="CNY"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
