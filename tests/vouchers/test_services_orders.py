"""Spending a voucher: services of verified providers, orders within the balance and the
programme's share of the price (also under concurrent orders), related-party refusal,
delivery, confirmation, the redemption claim with its invoice and its approval."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from marketplace.accounts.models import MembershipRole, OrganisationKind
from marketplace.core.errors import DomainError, IllegalTransition, PermissionDeniedError
from marketplace.core.models import AuditEvent
from tests.factories import MembershipFactory, OrganisationFactory, member_of
from tests.vouchers.conftest import invoice_file
from vouchers.errors import AboveBalance, RelatedParty
from vouchers.models import Service, Voucher, VoucherOrder
from vouchers.names import VouchersAction
from vouchers.services.orders import (
    order_confirm,
    order_deliver,
    redemption_approve,
    redemption_claim,
    voucher_order_place,
)
from vouchers.services.providers import service_create

pytestmark = pytest.mark.django_db
O = VoucherOrder.Status  # noqa: E741


def balance(voucher):
    voucher.refresh_from_db()
    return voucher.balance_amount


# services -----------------------------------------------------------------------------

def test_a_verified_provider_lists_a_service(service, provider_org):
    assert service.provider == provider_org and service.price_amount == Decimal("80000")
    assert AuditEvent.objects.filter(action=VouchersAction.SERVICE_CREATED).count() == 1


def test_an_unverified_provider_cannot_list(programme):
    org = OrganisationFactory(kind=OrganisationKind.SERVICE_PROVIDER)
    with pytest.raises(DomainError) as err:
        service_create(actor=member_of(org), provider=org, programme=programme,
                       category="rd_design", name="x", price="10")
    assert err.value.code == "provider_not_verified"
    assert not Service.objects.exists()


def test_only_the_providers_people_list_services(programme, provider_org, maker, company,
                                                 company_owner):
    with pytest.raises(PermissionDeniedError):
        service_create(actor=maker, provider=provider_org, programme=programme,
                       category="rd_design", name="x", price="10")
    with pytest.raises(PermissionDeniedError):  # a maker company is no service provider
        service_create(actor=company_owner, provider=company, programme=programme,
                       category="rd_design", name="x", price="10")


@pytest.mark.parametrize("kwargs, code", [
    ({"category": "marketing"}, "unknown_category"),
    ({"price": "0"}, "invalid_money"),
    ({"name": ""}, "required"),
])
def test_bad_service_input(provider, provider_org, programme, kwargs, code):
    values = {"category": "rd_design", "name": "x", "price": "10", **kwargs}
    with pytest.raises(DomainError) as err:
        service_create(actor=provider, provider=provider_org, programme=programme, **values)
    assert err.value.code == code


# ordering -----------------------------------------------------------------------------

def test_a_maker_orders_paying_part_with_the_voucher(voucher, service, maker):
    order = voucher_order_place(actor=maker, voucher=voucher, service=service, amount="30000",
                                rest_payment="outside")
    assert order.voucher_amount == Decimal("30000") and order.rest_amount == Decimal("50000")
    assert order.rest_payment == "outside" and order.status == O.ORDERED
    assert balance(voucher) == Decimal("20000")


def test_by_default_the_voucher_pays_what_it_can(voucher, service, maker):
    order = voucher_order_place(actor=maker, voucher=voucher, service=service,
                                rest_payment="card")
    assert order.voucher_amount == Decimal("50000") and order.rest_amount == Decimal("30000")
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.SPENT and voucher.balance_amount == 0
    assert AuditEvent.objects.filter(action=VouchersAction.VOUCHER_SPENT).count() == 1


def test_the_balance_at_its_boundary(voucher, service, maker):
    voucher_order_place(actor=maker, voucher=voucher, service=service, amount="49999.99",
                        rest_payment="outside")
    with pytest.raises(AboveBalance) as err:
        voucher_order_place(actor=maker, voucher=voucher, service=service, amount="0.02",
                            rest_payment="outside")
    assert err.value.data["balance"] == "0.0100"
    voucher_order_place(actor=maker, voucher=voucher, service=service, amount="0.01",
                        rest_payment="outside")
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.SPENT
    with pytest.raises(DomainError) as err:
        voucher_order_place(actor=maker, voucher=voucher, service=service, amount="1",
                            rest_payment="outside")
    assert err.value.code == "voucher_not_usable"
    assert VoucherOrder.objects.count() == 2


@pytest.mark.parametrize("kwargs, code", [
    ({"amount": "0"}, "invalid_money"),
    ({"amount": "-1"}, "invalid_money"),
    ({"amount": "50000.01"}, "above_balance"),
    ({"amount": "10000", "rest_payment": None}, "rest_payment_required"),
    ({"amount": "10000", "rest_payment": "barter"}, "rest_payment_required"),
])
def test_bad_orders_write_nothing(voucher, service, maker, kwargs, code):
    values = {"rest_payment": "outside", **kwargs}
    with pytest.raises(DomainError) as err:
        voucher_order_place(actor=maker, voucher=voucher, service=service, **values)
    assert err.value.code == code
    assert not VoucherOrder.objects.exists() and balance(voucher) == Decimal("50000")


def test_the_share_of_the_price(staff, makerspace, operator, provider, provider_org, maker):
    from vouchers.services.applications import voucher_apply, voucher_issue
    from vouchers.services.pilot import pilot_admit, pilot_apply
    from vouchers.services.programmes import programme_create

    programme = programme_create(actor=staff, max_share_percent="50")
    pilot_admit(actor=staff, admission=pilot_apply(actor=operator, makerspace=makerspace,
                                                   programme=programme))
    voucher = voucher_issue(actor=operator, application=voucher_apply(
        actor=maker, makerspace=makerspace, programme=programme, purpose="x",
        category="rd_design", amount="50000"))
    service = service_create(actor=provider, provider=provider_org, programme=programme,
                             category="rd_design", name="x", price="60000.01")
    with pytest.raises(DomainError) as err:
        voucher_order_place(actor=maker, voucher=voucher, service=service, amount="30000.01",
                            rest_payment="outside")
    assert err.value.code == "above_share" and err.value.data["limit"] == "30000.00"
    order = voucher_order_place(actor=maker, voucher=voucher, service=service,
                                rest_payment="outside")
    assert order.voucher_amount == Decimal("30000.00")


def test_a_category_the_voucher_lacks(voucher, provider, provider_org, programme, maker):
    testing = service_create(actor=provider, provider=provider_org, programme=programme,
                             category="inspection_testing", name="检测", price="100")
    with pytest.raises(DomainError) as err:
        voucher_order_place(actor=maker, voucher=voucher, service=testing, amount="10",
                            rest_payment="outside")
    assert err.value.code == "category_not_covered"


@pytest.mark.parametrize("who", ["stranger", "provider", "operator", "staff"])
def test_only_the_recipient_orders(voucher, service, request, who):
    with pytest.raises(PermissionDeniedError):
        voucher_order_place(actor=request.getfixturevalue(who), voucher=voucher,
                            service=service, amount="10", rest_payment="outside")


def test_a_provider_staff_withdrew_verification_from_is_refused(voucher, service, maker,
                                                                provider_org):
    provider_org.verification_status = "unverified"
    provider_org.save(update_fields=["verification_status"])
    with pytest.raises(DomainError) as err:
        voucher_order_place(actor=maker, voucher=voucher, service=service, amount="10",
                            rest_payment="outside")
    assert err.value.code == "provider_not_verified"


# related parties ----------------------------------------------------------------------

def test_the_recipients_own_provider_is_refused(voucher, service, maker, provider_org):
    MembershipFactory(organisation=provider_org, user=maker, role=MembershipRole.OWNER)
    with pytest.raises(RelatedParty) as err:
        voucher_order_place(actor=maker, voucher=voucher, service=service, amount="10",
                            rest_payment="outside")
    assert err.value.code == "related_party" and err.value.status_code == 409
    assert not VoucherOrder.objects.exists()


def test_a_provider_sharing_an_owner_with_the_company_is_refused(
        apply, company, company_owner, operator, service, provider_org):
    from tests.vouchers.conftest import REGISTERED
    from vouchers.services.applications import voucher_issue

    voucher = voucher_issue(actor=operator, application=apply(
        company_owner, organisation=company, registered_on=REGISTERED))
    other = member_of(company, MembershipRole.OWNER)
    MembershipFactory(organisation=provider_org, user=other, role=MembershipRole.OWNER)
    with pytest.raises(RelatedParty):
        voucher_order_place(actor=company_owner, voucher=voucher, service=service,
                            amount="10", rest_payment="outside")


def test_the_issuing_makerspaces_operator_is_refused(voucher, service, maker, makerspace,
                                                     provider_org):
    person = member_of(makerspace.operator, MembershipRole.OWNER)
    MembershipFactory(organisation=provider_org, user=person, role=MembershipRole.MEMBER)
    with pytest.raises(RelatedParty):
        voucher_order_place(actor=maker, voucher=voucher, service=service, amount="10",
                            rest_payment="outside")


# delivery, confirmation, redemption ---------------------------------------------------

@pytest.fixture
def order(voucher, service, maker):
    return voucher_order_place(actor=maker, voucher=voucher, service=service, amount="30000",
                               rest_payment="outside")


def test_the_whole_flow(order, provider, maker, operator):
    order_deliver(actor=provider, order=order)
    order_confirm(actor=maker, order=order)
    redemption_claim(actor=provider, order=order, invoice=invoice_file(),
                     invoice_number="No.37020001")
    order.refresh_from_db()
    assert order.status == O.CLAIMED and order.invoice.name.endswith(".pdf")
    assert order.invoice.storage.exists(order.invoice.name)
    redemption_approve(actor=operator, order=order)
    order.refresh_from_db()
    assert order.status == O.REDEEMED and order.redeemed_by == operator
    codes = set(AuditEvent.objects.values_list("action", flat=True))
    assert {VouchersAction.ORDER_DELIVERED, VouchersAction.ORDER_CONFIRMED,
            VouchersAction.ORDER_CLAIMED, VouchersAction.ORDER_REDEEMED} <= codes


def test_staff_approve_as_the_programme_office(order, provider, maker, staff):
    order_deliver(actor=provider, order=order)
    order_confirm(actor=maker, order=order)
    redemption_claim(actor=provider, order=order, invoice=invoice_file(), invoice_number="1")
    redemption_approve(actor=staff, order=order)


def test_the_wrong_parties_are_refused(order, provider, maker, other_operator, stranger):
    for user in (maker, stranger):
        with pytest.raises(PermissionDeniedError):
            order_deliver(actor=user, order=order)
    order_deliver(actor=provider, order=order)
    for user in (provider, stranger):
        with pytest.raises(PermissionDeniedError):
            order_confirm(actor=user, order=order)
    order_confirm(actor=maker, order=order)
    for user in (maker, stranger):
        with pytest.raises(PermissionDeniedError):
            redemption_claim(actor=user, order=order, invoice=invoice_file(),
                             invoice_number="1")
    redemption_claim(actor=provider, order=order, invoice=invoice_file(), invoice_number="1")
    for user in (provider, maker, other_operator):
        with pytest.raises(PermissionDeniedError):
            redemption_approve(actor=user, order=order)


def test_moves_out_of_order_are_refused(order, provider, maker, operator):
    with pytest.raises(IllegalTransition) as err:
        order_confirm(actor=maker, order=order)
    assert err.value.code == "not_delivered"
    with pytest.raises(IllegalTransition) as err:
        redemption_claim(actor=provider, order=order, invoice=invoice_file(), invoice_number="1")
    assert err.value.code == "not_confirmed"
    with pytest.raises(IllegalTransition) as err:
        redemption_approve(actor=operator, order=order)
    assert err.value.code == "not_claimed"
    order_deliver(actor=provider, order=order)
    with pytest.raises(IllegalTransition):
        order_deliver(actor=provider, order=order)


def test_a_claim_needs_the_invoice_and_a_second_claim_is_refused(order, provider, maker,
                                                                 operator):
    order_deliver(actor=provider, order=order)
    order_confirm(actor=maker, order=order)
    with pytest.raises(DomainError) as err:
        redemption_claim(actor=provider, order=order, invoice=None, invoice_number="1")
    assert err.value.code == "invoice_required"
    with pytest.raises(DomainError):
        redemption_claim(actor=provider, order=order, invoice_number="1",
                         invoice=invoice_file("x.pdf").__class__("x.txt", b"hello"))
    order.refresh_from_db()
    assert order.status == O.CONFIRMED and not order.invoice
    redemption_claim(actor=provider, order=order, invoice=invoice_file(), invoice_number="1")
    with pytest.raises(IllegalTransition) as err:
        redemption_claim(actor=provider, order=order, invoice=invoice_file(),
                         invoice_number="2")
    assert err.value.code == "already_claimed"
    redemption_approve(actor=operator, order=order)
    with pytest.raises(IllegalTransition) as err:
        redemption_claim(actor=provider, order=order, invoice=invoice_file(),
                         invoice_number="3")
    assert err.value.code == "already_redeemed"
    order.refresh_from_db()
    assert order.invoice_number == "1"


# the balance under concurrency ----------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_never_exceed_the_balance(requires_postgres, voucher, service,
                                                    maker):
    """Eight orders of CNY 15,000 at once on a CNY 50,000 voucher: exactly three pass."""
    barrier = threading.Barrier(8)
    results = []

    def place():
        try:
            barrier.wait()
            voucher_order_place(actor=maker, voucher=Voucher.objects.get(pk=voucher.pk),
                                service=service, amount="15000", rest_payment="outside")
            results.append("ok")
        except AboveBalance:
            results.append("above")
        finally:
            connection.close()

    threads = [threading.Thread(target=place) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["above"] * 5 + ["ok"] * 3
    assert balance(voucher) == Decimal("5000")
    assert VoucherOrder.objects.count() == 3
