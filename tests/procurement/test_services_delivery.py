"""Delivery and acceptance (验收): each move allowed and refused, each role, bad input with
nothing written, termination giving the budget back, first-set units fed to catalog."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import FirstSetUnit
from marketplace.core.errors import ConflictError, IllegalTransition, PermissionDeniedError
from marketplace.core.models import AuditEvent
from marketplace.core.validation import InvalidInput
from procurement.errors import DeliveryQuantityMismatch, ProcurementValidationError
from procurement.models import Delivery, PurchaseRequest
from procurement.services.delivery import acceptance_record, delivery_record, request_terminate
from tests.catalog.factories import stored_files

D, R = Delivery.Status, PurchaseRequest.Status
pytestmark = pytest.mark.django_db
EXPERTS = ["赵专家", "钱专家"]


def today():
    return timezone.localdate()


# --- delivery ------------------------------------------------------------------------


def test_the_supplier_delivers_under_the_signed_contract(delivered):
    assert delivered.status == R.DELIVERED
    delivery = delivered.deliveries.get()
    assert delivery.status == D.RECORDED and delivery.quantity == 3
    assert AuditEvent.objects.filter(action="procurement.delivery.recorded").count() == 1
    assert AuditEvent.objects.filter(action="procurement.request.delivered").count() == 1


def test_no_delivery_before_the_contract_is_signed(contract, supplier):
    with pytest.raises(IllegalTransition) as caught:
        delivery_record(actor=supplier, request=contract.request, quantity=3, delivered_on=today())
    assert caught.value.code == "not_contracted"
    assert Delivery.objects.count() == 0


def test_no_second_delivery_while_one_waits(delivered, supplier):
    with pytest.raises(IllegalTransition):
        delivery_record(actor=supplier, request=delivered, quantity=3, delivered_on=today())
    assert Delivery.objects.count() == 1


@pytest.mark.parametrize("who", ["officer", "approver", "other_supplier", "staff", "stranger"])
def test_only_the_supplier_delivers(request, signed, who):
    with pytest.raises(PermissionDeniedError):
        delivery_record(actor=request.getfixturevalue(who), request=signed.request, quantity=3,
                        delivered_on=today())
    assert Delivery.objects.count() == 0


@pytest.mark.parametrize("quantity,delivered_on,error,code", [
    (2, None, DeliveryQuantityMismatch, "delivery_quantity"),
    (4, None, DeliveryQuantityMismatch, "delivery_quantity"),
    ("x", None, ProcurementValidationError, "bad_quantity"),
    (3, "tomorrow", ProcurementValidationError, "bad_date"),
    (3, "future", ProcurementValidationError, "bad_date"),
])
def test_bad_delivery_is_refused(signed, supplier, quantity, delivered_on, error, code):
    day = {None: today(), "future": today() + timedelta(days=1)}.get(delivered_on, delivered_on)
    with pytest.raises(error) as caught:
        delivery_record(actor=supplier, request=signed.request, quantity=quantity,
                        delivered_on=day)
    assert caught.value.code == code
    signed.request.refresh_from_db()
    assert signed.request.status == R.CONTRACTED and Delivery.objects.count() == 0


# --- acceptance ----------------------------------------------------------------------


def test_acceptance_passes_with_its_experts(accepted):
    assert accepted.status == R.ACCEPTED
    delivery = accepted.deliveries.get()
    assert delivery.status == D.PASSED and delivery.experts == ["赵专家", "钱专家", "孙专家"]
    assert delivery.decided_at is not None


def test_failure_asks_for_rectification_then_redelivery(delivered, officer, supplier):
    acceptance_record(actor=officer, request=delivered, outcome="fail", experts=EXPERTS,
                      reasons="两台浮标传感器漂移超标", failure_action="rectify")
    delivered.refresh_from_db()
    assert delivered.status == R.RECTIFICATION
    first = delivered.deliveries.get()
    assert first.status == D.FAILED and first.reasons == "两台浮标传感器漂移超标"
    delivery_record(actor=supplier, request=delivered, quantity=3, delivered_on=today())
    acceptance_record(actor=officer, request=delivered, outcome="pass", experts=EXPERTS)
    delivered.refresh_from_db()
    assert delivered.status == R.ACCEPTED
    assert list(delivered.deliveries.values_list("status", flat=True)) == [D.FAILED, D.PASSED]


def test_failure_can_terminate_and_give_the_budget_back(delivered, officer, line):
    acceptance_record(actor=officer, request=delivered, outcome="fail", experts=EXPERTS,
                      reasons="不符合验收标准", failure_action="terminate")
    delivered.refresh_from_db()
    line.refresh_from_db()
    assert delivered.status == R.TERMINATED and delivered.committed_amount == 0
    assert line.committed_amount == 0


def test_termination_during_rectification(delivered, officer, supplier, line):
    acceptance_record(actor=officer, request=delivered, outcome="fail", experts=EXPERTS,
                      reasons="不合格", failure_action="rectify")
    with pytest.raises(PermissionDeniedError):
        request_terminate(actor=supplier, request=delivered, reason="x")
    request_terminate(actor=officer, request=delivered, reason="逾期未整改")
    delivered.refresh_from_db()
    line.refresh_from_db()
    assert delivered.status == R.TERMINATED and line.committed_amount == 0
    with pytest.raises(IllegalTransition):
        delivery_record(actor=supplier, request=delivered, quantity=3, delivered_on=today())


def test_termination_only_after_a_failure(delivered, officer):
    with pytest.raises(IllegalTransition) as caught:
        request_terminate(actor=officer, request=delivered, reason="x")
    assert caught.value.code == "not_failed"


def test_acceptance_needs_a_waiting_delivery(signed, accepted, officer):
    with pytest.raises(IllegalTransition):
        acceptance_record(actor=officer, request=accepted, outcome="pass", experts=EXPERTS)
    assert accepted.deliveries.get().status == D.PASSED


@pytest.mark.parametrize("who", ["supplier", "other_officer", "staff", "stranger"])
def test_only_the_buyer_accepts(request, delivered, who):
    with pytest.raises(PermissionDeniedError):
        acceptance_record(actor=request.getfixturevalue(who), request=delivered, outcome="pass",
                          experts=EXPERTS)
    assert delivered.deliveries.get().status == D.RECORDED


@pytest.mark.parametrize("kwargs,code", [
    ({"outcome": "maybe", "experts": EXPERTS}, "bad_outcome"),
    ({"outcome": "pass", "experts": []}, "required"),
    ({"outcome": "pass", "experts": ["  "]}, "bad_name"),
    ({"outcome": "pass", "experts": ["赵专家", "赵专家"]}, "duplicate"),
    ({"outcome": "pass", "experts": ["x" * 101]}, "bad_name"),
    ({"outcome": "pass", "experts": [f"专家{n}" for n in range(26)]}, "too_many"),
    ({"outcome": "fail", "experts": EXPERTS, "failure_action": "rectify"}, "reason_required"),
    ({"outcome": "fail", "experts": EXPERTS, "reasons": "不合格"}, "bad_failure_action"),
    ({"outcome": "fail", "experts": EXPERTS, "reasons": "x", "failure_action": "ignore"},
     "bad_failure_action"),
])
def test_bad_acceptance_is_refused(delivered, officer, kwargs, code):
    with pytest.raises(InvalidInput) as caught:
        acceptance_record(actor=officer, request=delivered, **kwargs)
    assert caught.value.code == code
    delivered.refresh_from_db()
    assert delivered.status == R.DELIVERED
    assert delivered.deliveries.get().status == D.RECORDED


# --- first sets ----------------------------------------------------------------------


@pytest.fixture
def first_set_delivered(maker_org, officer, approver, supplier, agency, line,
                        buyer_signer, supplier_signer):
    from procurement.services.contracts import contract_generate, contract_sign
    from procurement.services.requests import (
        request_agree_price,
        request_approve,
        request_draft,
        request_publish,
        request_supplier_accept,
    )
    from tests.catalog.factories import FirstSetProductFactory, certified

    product = FirstSetProductFactory(organisation=maker_org)
    certified(product)
    request = request_draft(actor=officer, agency=agency, budget_line=line, product=product,
                            title="海洋观测首台套", quantity=2, ceiling="200000",
                            delivery_place="西海岸新区", acceptance_criteria="试运行合格",
                            delivery_date=today() + timedelta(days=30))
    request_approve(actor=approver, request=request)
    request_publish(actor=officer, request=request)
    request_supplier_accept(actor=supplier, request=request)
    request_agree_price(actor=officer, request=request, price="180000", cost_reference="成本")
    contract = contract_generate(actor=officer, request=request)
    contract_sign(actor=buyer_signer, contract=contract)
    contract_sign(actor=supplier_signer, contract=contract)
    delivery_record(actor=supplier, request=request, quantity=2, delivered_on=today())
    request.refresh_from_db()
    return request


def test_accepting_first_set_units_feeds_the_catalogue_count(first_set_delivered, officer,
                                                             agency):
    acceptance_record(actor=officer, request=first_set_delivered, outcome="pass",
                      experts=EXPERTS, serial_numbers=["HB-0001", "HB-0002"])
    units = FirstSetUnit.objects.filter(product=first_set_delivered.product).order_by("pk")
    assert [u.serial_number for u in units] == ["HB-0001", "HB-0002"]
    assert all(u.buyer == agency and u.buyer_confirmed_at for u in units)
    assert all(u.status == FirstSetUnit.Status.CLAIMED for u in units)  # the maker confirms
    assert all(u.purchase_document for u in units)


@pytest.mark.parametrize("serials,code", [(None, "required"), (["HB-1"], "serial_count"),
                                          (["HB-1", "HB-1"], "duplicate")])
def test_first_set_acceptance_names_each_unit(first_set_delivered, officer, serials, code):
    with pytest.raises(ProcurementValidationError) as caught:
        acceptance_record(actor=officer, request=first_set_delivered, outcome="pass",
                          experts=EXPERTS, serial_numbers=serials)
    assert caught.value.code == code
    first_set_delivered.refresh_from_db()
    assert first_set_delivered.status == R.DELIVERED
    assert FirstSetUnit.objects.count() == 0


def test_a_failed_first_set_acceptance_counts_no_unit(first_set_delivered, officer):
    acceptance_record(actor=officer, request=first_set_delivered, outcome="fail",
                      experts=EXPERTS, reasons="不合格", failure_action="rectify",
                      serial_numbers=["HB-1", "HB-2"])
    assert FirstSetUnit.objects.count() == 0


def test_catalog_refusing_a_unit_writes_nothing(first_set_delivered, officer, supplier,
                                                agency):
    from tests.catalog.factories import record_unit

    record_unit(actor=supplier, product=first_set_delivered.product, buyer=agency,
                serial_number="HB-0002", put_into_use_on=today())
    before = stored_files()
    with pytest.raises(ConflictError) as caught:
        acceptance_record(actor=officer, request=first_set_delivered, outcome="pass",
                          experts=EXPERTS, serial_numbers=["HB-0001", "HB-0002"])
    assert caught.value.code == "serial_taken"
    first_set_delivered.refresh_from_db()
    assert first_set_delivered.status == R.DELIVERED
    assert first_set_delivered.deliveries.get().status == D.RECORDED
    assert FirstSetUnit.objects.count() == 1
    assert stored_files() == before
