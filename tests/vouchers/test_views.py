"""The voucher pages: a maker applies and sees their vouchers; the makerspace's people
decide applications and see the year's cap used; others are refused; the dashboard and
the account menu show the programme."""

from decimal import Decimal

import pytest
from django.urls import reverse

from vouchers.models import Voucher, VoucherApplication

pytestmark = pytest.mark.django_db


def test_a_maker_applies_on_the_page(client, admission, maker):
    client.force_login(maker)
    page = client.get(reverse("vouchers:apply"))
    assert page.status_code == 200 and "haichuang" in page.content.decode()
    answer = client.post(reverse("vouchers:apply"), {
        "makerspace": "haichuang", "organisation": "", "category": "rd_design",
        "amount": "20000", "purpose": "样机设计"})
    assert answer.status_code == 302
    application = VoucherApplication.objects.get()
    assert application.applicant == maker and application.amount_requested == Decimal("20000")


def test_a_refusal_shows_on_the_form_with_its_status(client, admission, maker):
    client.force_login(maker)
    answer = client.post(reverse("vouchers:apply"), {
        "makerspace": "haichuang", "category": "rd_design", "amount": "2000000",
        "purpose": "x"})
    assert answer.status_code == 400 and "超过年度发放额度" in answer.content.decode()
    assert not VoucherApplication.objects.exists()


def test_the_makerspace_page_issues_and_refuses(client, apply, maker, operator,
                                                other_operator):
    first, second = apply(maker), apply(maker, amount="10000")
    client.force_login(other_operator)
    assert client.get(reverse("vouchers:makerspace", args=["haichuang"])).status_code == 403
    assert client.post(reverse("vouchers:decide", args=[first.pk]),
                       {"action": "issue"}).status_code == 404
    client.force_login(operator)
    page = client.get(reverse("vouchers:makerspace", args=["haichuang"]))
    assert page.status_code == 200 and "样机结构设计" in page.content.decode()
    client.post(reverse("vouchers:decide", args=[first.pk]), {"action": "issue"})
    client.post(reverse("vouchers:decide", args=[second.pk]),
                {"action": "refuse", "reason": "用途不符"})
    assert Voucher.objects.get().application == first
    second.refresh_from_db()
    assert second.status == VoucherApplication.Status.REFUSED
    page = client.get(reverse("vouchers:makerspace", args=["haichuang"])).content.decode()
    assert "950,000" in page  # what is left of the cap


def test_my_vouchers_and_the_dashboard(client, voucher, maker, operator):
    client.force_login(maker)
    page = client.get(reverse("vouchers:mine")).content.decode()
    assert "50,000" in page
    assert reverse("vouchers:mine") in client.get(reverse("dashboard")).content.decode()
    client.force_login(operator)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert reverse("vouchers:makerspace", args=["haichuang"]) in dashboard


def test_anonymous_visitors_are_sent_to_log_in(client, programme):
    assert client.get(reverse("vouchers:mine")).status_code == 302


def test_the_operator_applies_to_the_pilot_on_the_page(client, programme, makerspace,
                                                       operator, other_operator, staff):
    from vouchers.models import PilotAdmission

    client.force_login(other_operator)
    assert client.post(reverse("vouchers:pilot_apply", args=["haichuang"])).status_code == 403
    client.force_login(operator)
    assert "voucher pilot" in client.get(reverse("vouchers:makerspace", args=["haichuang"]),
                                         HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post(reverse("vouchers:pilot_apply", args=["haichuang"]))
    assert PilotAdmission.objects.get().status == PilotAdmission.Status.APPLIED
    client.force_login(staff)
    assert reverse("vouchers:office") in client.get(reverse("dashboard")).content.decode()
