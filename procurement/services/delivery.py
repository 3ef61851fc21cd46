"""Delivery and acceptance (验收) under a signed contract.

The supplier records a delivery of the whole contracted quantity (date, note). The buyer
records the acceptance with the names of the experts who took part: passed (the request
is ``accepted`` and can be paid), or failed with reasons, which either asks for
rectification (the supplier delivers again) or terminates the contract (the budget line
gets its commitment back). One delivery at a time waits for acceptance.

First sets (首台(套)): when a delivery of a first-set product passes, each accepted unit
is recorded with catalog's ``first_set_unit_record`` (the one place that counts first-set
units), by the accepting buyer, with the contract as the purchase document and the
acceptance day as the day it was put into use; the maker confirms it there as usual.
"""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from catalog.services.first_sets import first_set_unit_record
from marketplace.core.audit import audit_log
from marketplace.core.errors import IllegalTransition
from marketplace.core.money import Money
from marketplace.core.permissions import require_perm
from marketplace.core.signals import announce
from marketplace.core.transitions import transition
from marketplace.core.validation import clean_reason
from procurement.errors import DeliveryQuantityMismatch, ProcurementValidationError
from procurement.models import Contract, Delivery, PurchaseRequest
from procurement.rules import ProcurementPerm
from procurement.services.budget import budget_release
from procurement.services.ocds import release_record
from procurement.signals import request_listing_changed
from procurement.states import DELIVERY_STATES, REQUEST_STATES, ProcurementAction

D, R = Delivery.Status, PurchaseRequest.Status
MAX_EXPERTS = 25
MAX_NAME_CHARS = 100
OUTCOMES = ("pass", "fail")


def _clean_quantity(request: PurchaseRequest, value) -> int:
    try:
        quantity = int(value)
        if str(value).strip() != str(quantity):
            raise ValueError
    except (TypeError, ValueError):
        raise ProcurementValidationError(
            _("The quantity must be a whole number of at least 1."), code="bad_quantity",
            data={"field": "quantity"}) from None
    if quantity != request.quantity:
        raise DeliveryQuantityMismatch(
            _("A delivery covers the whole contracted quantity (%(quantity)s).")
            % {"quantity": request.quantity}, data={"field": "quantity"})
    return quantity


def _clean_day(value) -> date:
    day = value if isinstance(value, date) else parse_date(str(value or "")) if value else None
    if day is None:
        raise ProcurementValidationError(_("Give the delivery date (YYYY-MM-DD)."),
                                         code="bad_date", data={"field": "delivered_on"})
    if day > timezone.localdate():
        raise ProcurementValidationError(_("The delivery date cannot be in the future."),
                                         code="bad_date", data={"field": "delivered_on"})
    return day


def _clean_names(values, *, field: str, missing, what) -> list[str]:
    if isinstance(values, str) or not isinstance(values, list | tuple):
        values = [] if values in (None, "") else [values]
    names = []
    for value in values:
        name = "" if value is None else str(value).strip()
        if not name or "\x00" in name or len(name) > MAX_NAME_CHARS:
            raise ProcurementValidationError(
                _("Each %(what)s is a non-empty text of at most %(max)s characters.")
                % {"what": what, "max": MAX_NAME_CHARS}, code="bad_name", data={"field": field})
        if name in names:
            raise ProcurementValidationError(
                _("“%(name)s” is given twice.") % {"name": name}, code="duplicate",
                data={"field": field})
        names.append(name)
    if not names:
        raise ProcurementValidationError(missing, code="required", data={"field": field})
    if len(names) > MAX_EXPERTS and field == "experts":
        raise ProcurementValidationError(
            _("At most %(max)s experts.") % {"max": MAX_EXPERTS}, code="too_many",
            data={"field": field})
    return names


def delivery_record(*, actor, request: PurchaseRequest, quantity, delivered_on,
                    note: str = "") -> Delivery:
    """The supplier delivers under the signed contract (or again, after rectification)."""
    require_perm(actor, ProcurementPerm.RECORD_DELIVERY, request)
    quantity = _clean_quantity(request, quantity)
    day = _clean_day(delivered_on)
    note = clean_reason(note, required=False, max_chars=5000)
    with transaction.atomic():
        transition(request, REQUEST_STATES, R.DELIVERED, actor=actor,
                   action=ProcurementAction.REQUEST_DELIVERED,
                   data={"quantity": quantity, "delivered_on": day.isoformat()})
        delivery = Delivery.objects.create(request=request, quantity=quantity,
                                           delivered_on=day, note=note, recorded_by=actor)
        audit_log(actor=actor, action=ProcurementAction.DELIVERY_RECORDED, obj=delivery,
                  data={"request": request.pk, "quantity": quantity,
                        "delivered_on": day.isoformat()})
        announce(request_listing_changed, request_id=request.pk)
    return delivery


def _first_set_units(*, actor, request: PurchaseRequest, serials: list[str]) -> None:
    """Feed catalog's first-set count: one unit per accepted serial number."""
    contract = Contract.objects.get(request=request)
    with contract.pdf.open("rb") as handle:
        document = handle.read()
    today = timezone.localdate()
    recorded = []
    try:
        for serial in serials:
            recorded.append(first_set_unit_record(
                actor=actor, product=request.product, buyer=request.agency,
                serial_number=serial, put_into_use_on=today,
                purchase_document=ContentFile(document, name=f"{contract.number}.pdf"),
            ))
    except BaseException:
        # the transaction rolls back the units: remove the copies their records stored
        for unit in recorded:
            unit.purchase_document.storage.delete(unit.purchase_document.name)
        raise


def acceptance_record(*, actor, request: PurchaseRequest, outcome: str, experts,
                      reasons: str = "", failure_action: str = "",
                      serial_numbers=None) -> Delivery:
    """The buyer's acceptance of the delivery waiting for it, with its experts.

    ``outcome`` is ``pass`` or ``fail``; a failure gives its reasons and
    ``failure_action`` (``rectify`` or ``terminate``). A passed delivery of a first-set
    product names the serial number of each unit."""
    require_perm(actor, ProcurementPerm.RECORD_ACCEPTANCE, request)
    if outcome not in OUTCOMES:
        raise ProcurementValidationError(_("The outcome is pass or fail."), code="bad_outcome",
                                         data={"field": "outcome"})
    experts = _clean_names(experts, field="experts", what=_("expert's name"),
                           missing=_("Name the experts who took part in the acceptance."))
    passed = outcome == "pass"
    serials: list[str] = []
    if passed:
        reasons = clean_reason(reasons, required=False, max_chars=5000)
        failure_action = ""
        if request.product is not None and request.product.is_first_set:
            serials = _clean_names(
                serial_numbers, field="serial_numbers", what=_("serial number"),
                missing=_("A first set of equipment is accepted unit by unit: give the "
                          "serial number of each unit."))
            if len(serials) != request.quantity:
                raise ProcurementValidationError(
                    _("Give one serial number for each of the %(quantity)s units.")
                    % {"quantity": request.quantity}, code="serial_count",
                    data={"field": "serial_numbers"})
    else:
        reasons = clean_reason(reasons, missing=_("Give the reasons the acceptance failed."),
                               max_chars=5000)
        if failure_action not in Delivery.FailureAction.values:
            raise ProcurementValidationError(
                _("Say whether the supplier rectifies and delivers again, or the contract "
                  "is terminated."), code="bad_failure_action",
                data={"field": "failure_action"})
    target = (R.ACCEPTED if passed else R.RECTIFICATION
              if failure_action == Delivery.FailureAction.RECTIFY else R.TERMINATED)
    action = {R.ACCEPTED: ProcurementAction.REQUEST_ACCEPTED,
              R.RECTIFICATION: ProcurementAction.REQUEST_RECTIFICATION,
              R.TERMINATED: ProcurementAction.REQUEST_TERMINATED}[target]
    with transaction.atomic():
        fresh = PurchaseRequest.objects.select_for_update().get(pk=request.pk)
        REQUEST_STATES.check(fresh.status, target)
        # a delivered request has exactly one delivery waiting (delivery_one_waiting)
        delivery = Delivery.objects.select_for_update().get(request=request, status=D.RECORDED)
        transition(delivery, DELIVERY_STATES, D.PASSED if passed else D.FAILED, actor=actor,
                   action=(ProcurementAction.DELIVERY_PASSED if passed
                           else ProcurementAction.DELIVERY_FAILED),
                   changes={"experts": experts, "reasons": reasons,
                            "failure_action": failure_action, "serial_numbers": serials,
                            "decided_by": actor, "decided_at": timezone.now()},
                   data={"experts": experts, "failure_action": failure_action})
        changes = {}
        if target == R.TERMINATED and fresh.committed_amount:
            budget_release(line_id=fresh.budget_line_id,
                           amount=Money(fresh.committed_amount, fresh.currency))
            changes["committed_amount"] = 0
        transition(request, REQUEST_STATES, target, actor=actor, action=action,
                   changes=changes, data={"delivery": delivery.pk})
        if target == R.TERMINATED:
            release_record(request=request, tag="contractTermination",
                           contract=Contract.objects.get(request=request))
        if serials:
            _first_set_units(actor=actor, request=request, serials=serials)
        announce(request_listing_changed, request_id=request.pk)
    return delivery


def request_terminate(*, actor, request: PurchaseRequest, reason) -> PurchaseRequest:
    """The buyer terminates a contract waiting for rectification (the supplier did not
    deliver again); the budget line gets its commitment back."""
    require_perm(actor, ProcurementPerm.RECORD_ACCEPTANCE, request)
    reason = clean_reason(reason)
    with transaction.atomic():
        fresh = PurchaseRequest.objects.select_for_update().get(pk=request.pk)
        if fresh.status != R.RECTIFICATION:
            raise IllegalTransition(
                _("A contract is terminated after a failed acceptance only."),
                code="not_failed", data={"from": fresh.status, "to": R.TERMINATED})
        if fresh.committed_amount:
            budget_release(line_id=fresh.budget_line_id,
                           amount=Money(fresh.committed_amount, fresh.currency))
        transition(request, REQUEST_STATES, R.TERMINATED, actor=actor,
                   action=ProcurementAction.REQUEST_TERMINATED,
                   changes={"committed_amount": 0, "cancel_reason": reason},
                   data={"reason": reason})
        release_record(request=request, tag="contractTermination",
                       contract=Contract.objects.get(request=request))
        announce(request_listing_changed, request_id=request.pk)
    return request
