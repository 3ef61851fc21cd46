"""First-purchase (首购) requests, from draft to agreed price.

A buyer officer drafts a request for a listed product (catalog decides what is listed:
``product_is_eligible_for_first_purchase``), naming the budget line it is paid from; an
approver of the same agency (never the drafter) approves it, which commits its ceiling to
the line under the line's row lock; the notice is then published; the product's maker
organisation, the supplier, accepts or declines it; the buyer records the price agreed
in negotiation with its cost reference (never above the ceiling) and the line then holds
the agreed price. Cancelling or a decline gives the commitment back.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Product
from catalog.selectors import product_is_eligible_for_first_purchase
from marketplace.accounts.models import Organisation
from marketplace.core.audit import audit_log
from marketplace.core.money import Money
from marketplace.core.permissions import require_perm
from marketplace.core.signals import announce
from marketplace.core.tasks import enqueue
from marketplace.core.transitions import transition
from marketplace.core.validation import clean_reason
from procurement.errors import (
    AboveCeiling,
    BudgetExceeded,
    ProcurementValidationError,
    ProductNotListed,
    SelfApproval,
)
from procurement.models import BudgetLine, PurchaseRequest
from procurement.rules import ProcurementPerm
from procurement.services.budget import budget_commit, budget_release
from procurement.services.common import clean_text
from procurement.services.ocds import release_record
from procurement.signals import request_listing_changed
from procurement.states import REQUEST_STATES, ProcurementAction

R = PurchaseRequest.Status
NOTIFY_SUPPLIER_TASK = "procurement.notify_supplier"
DEFAULT_OCID_PREFIX = "ocds-mkrspc"


def new_ocid() -> str:
    """An Open Contracting ID: the publisher's prefix (``OCDS_OCID_PREFIX``) and a
    identifier unique to the procedure."""
    prefix = getattr(settings, "OCDS_OCID_PREFIX", DEFAULT_OCID_PREFIX)
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def _clean_quantity(value) -> int:
    try:
        quantity = int(value)
        if str(value).strip() != str(quantity):
            raise ValueError
    except (TypeError, ValueError):
        quantity = None
    if quantity is None or quantity <= 0:
        raise ProcurementValidationError(_("The quantity must be a whole number of at least 1."),
                                         code="bad_quantity", data={"field": "quantity"})
    if quantity > 1_000_000:
        raise ProcurementValidationError(_("The quantity is too large."),
                                         code="bad_quantity", data={"field": "quantity"})
    return quantity


def _clean_date(value) -> date:
    day = value if isinstance(value, date) else parse_date(str(value or "")) if value else None
    if day is None:
        raise ProcurementValidationError(_("Give the delivery date (YYYY-MM-DD)."),
                                         code="bad_date", data={"field": "delivery_date"})
    if day < timezone.localdate():
        raise ProcurementValidationError(_("The delivery date cannot be in the past."),
                                         code="bad_date", data={"field": "delivery_date"})
    return day


def _clean_line(agency: Organisation, line: BudgetLine | None) -> BudgetLine:
    if line is None or line.agency_id != agency.pk:
        raise ProcurementValidationError(
            _("Name a budget line of your agency."), code="bad_budget_line",
            data={"field": "budget_line"},
        )
    return line


def request_draft(
    *, actor, agency: Organisation, budget_line: BudgetLine | None, title: str, quantity,
    ceiling, delivery_place: str, delivery_date, acceptance_criteria: str,
    product: Product | None = None, category: Category | None = None,
    kind: str = PurchaseRequest.Kind.FIRST_PURCHASE,
) -> PurchaseRequest:
    """Draft a request. A first purchase names a listed product (its maker is the
    supplier, its category the request's); an ordinary request names a category."""
    require_perm(actor, ProcurementPerm.DRAFT_REQUEST, agency)
    if kind not in PurchaseRequest.Kind.values:
        raise ProcurementValidationError(_("Unknown kind of request."), code="bad_kind",
                                         data={"field": "kind"})
    line = _clean_line(agency, budget_line)
    if kind == PurchaseRequest.Kind.FIRST_PURCHASE:
        if product is None or not product_is_eligible_for_first_purchase(product):
            raise ProductNotListed(data={"field": "product"})
        category, supplier = product.category, product.organisation
    else:
        if category is None:
            raise ProcurementValidationError(_("Name the category of what you buy."),
                                             code="required", data={"field": "category"})
        product, supplier = None, None
    title = clean_text(PurchaseRequest, "title", title, required=True)
    quantity = _clean_quantity(quantity)
    amount = Money.from_input(ceiling, line.currency, label=_("The budget ceiling"),
                              positive=True)
    if amount > line.remaining:
        raise BudgetExceeded(
            _("The ceiling %(need)s is above what is left on the budget line %(code)s "
              "(%(left)s).") % {"need": amount, "code": line.code, "left": line.remaining},
            data={"field": "ceiling"},
        )
    place = clean_text(PurchaseRequest, "delivery_place", delivery_place, required=True)
    day = _clean_date(delivery_date)
    criteria = clean_text(PurchaseRequest, "acceptance_criteria", acceptance_criteria,
                          required=True)
    request = PurchaseRequest(
        kind=kind, agency=agency, budget_line=line, product=product, category=category,
        supplier=supplier, ocid=new_ocid(), title=title, quantity=quantity, ceiling=amount,
        delivery_place=place, delivery_date=day, acceptance_criteria=criteria,
        drafted_by=actor, status=R.DRAFT,
    )
    with transaction.atomic():
        request.save()
        audit_log(actor=actor, action=ProcurementAction.REQUEST_DRAFTED, obj=request,
                  data={"ocid": request.ocid, "kind": kind, "ceiling": str(amount.amount),
                        "budget_line": line.pk})
    return request


def request_approve(*, actor, request: PurchaseRequest) -> PurchaseRequest:
    """Approve a drafted first purchase: its ceiling is committed to its budget line."""
    require_perm(actor, ProcurementPerm.APPROVE_REQUEST, request)
    if request.drafted_by_id == actor.pk:
        raise SelfApproval()
    if request.kind != PurchaseRequest.Kind.FIRST_PURCHASE:
        raise ProcurementValidationError(
            _("Ordinary requests are run outside the platform; only first purchases are "
              "approved here."), code="ordinary_request",
        )
    with transaction.atomic():
        current = PurchaseRequest.objects.select_for_update().values_list(
            "status", flat=True).get(pk=request.pk)
        REQUEST_STATES.check(current, R.APPROVED)
        budget_commit(line_id=request.budget_line_id, amount=request.ceiling)
        return transition(
            request, REQUEST_STATES, R.APPROVED, actor=actor,
            action=ProcurementAction.REQUEST_APPROVED,
            changes={"approved_by": actor, "approved_at": timezone.now(),
                     "committed_amount": request.ceiling_amount},
        )


def request_publish(*, actor, request: PurchaseRequest) -> PurchaseRequest:
    """Publish the notice of an approved request; the supplier is told after commit."""
    require_perm(actor, ProcurementPerm.PUBLISH_REQUEST, request)
    with transaction.atomic():
        transition(request, REQUEST_STATES, R.PUBLISHED, actor=actor,
                   action=ProcurementAction.REQUEST_PUBLISHED,
                   changes={"published_at": timezone.now()})
        release_record(request=request, tag="tender")
        announce(request_listing_changed, request_id=request.pk)
        enqueue(NOTIFY_SUPPLIER_TASK, request.pk)
    return request


def request_supplier_accept(*, actor, request: PurchaseRequest) -> PurchaseRequest:
    require_perm(actor, ProcurementPerm.RESPOND_REQUEST, request)
    with transaction.atomic():
        transition(request, REQUEST_STATES, R.SUPPLIER_ACCEPTED, actor=actor,
                   action=ProcurementAction.REQUEST_SUPPLIER_ACCEPTED,
                   changes={"supplier_decided_by": actor, "supplier_decided_at": timezone.now()})
        announce(request_listing_changed, request_id=request.pk)
    return request


def _release(request: PurchaseRequest) -> None:
    if request.committed_amount:
        budget_release(line_id=request.budget_line_id,
                       amount=Money(request.committed_amount, request.currency))


def _locked(request: PurchaseRequest) -> PurchaseRequest:
    return PurchaseRequest.objects.select_for_update().get(pk=request.pk)


def request_supplier_decline(*, actor, request: PurchaseRequest, reason) -> PurchaseRequest:
    """The supplier declines, with a reason the buyer reads; the commitment is released."""
    require_perm(actor, ProcurementPerm.RESPOND_REQUEST, request)
    reason = clean_reason(reason)
    with transaction.atomic():
        fresh = _locked(request)
        REQUEST_STATES.check(fresh.status, R.SUPPLIER_DECLINED)
        _release(fresh)
        transition(request, REQUEST_STATES, R.SUPPLIER_DECLINED, actor=actor,
                   action=ProcurementAction.REQUEST_SUPPLIER_DECLINED,
                   changes={"supplier_decided_by": actor, "supplier_decided_at": timezone.now(),
                            "decline_reason": reason, "committed_amount": 0})
        release_record(request=request, tag="tenderUpdate")
        announce(request_listing_changed, request_id=request.pk)
    return request


def request_agree_price(*, actor, request: PurchaseRequest, price, cost_reference) -> PurchaseRequest:
    """Record the price agreed in negotiation with the cost it refers to; never above the
    ceiling. The budget line then holds the agreed price (the rest is released)."""
    require_perm(actor, ProcurementPerm.PUBLISH_REQUEST, request)
    amount = Money.from_input(price, request.currency, label=_("The agreed price"),
                              positive=True)
    if amount > request.ceiling:
        raise AboveCeiling(data={"field": "price"})
    reference = clean_reason(
        cost_reference, missing=_("Record the cost the price was negotiated against."),
        max_chars=5000,
    )
    with transaction.atomic():
        fresh = _locked(request)
        REQUEST_STATES.check(fresh.status, R.PRICE_AGREED)
        budget_release(line_id=request.budget_line_id,
                       amount=Money(fresh.committed_amount, fresh.currency) - amount)
        transition(request, REQUEST_STATES, R.PRICE_AGREED, actor=actor,
                   action=ProcurementAction.REQUEST_PRICE_AGREED,
                   changes={"agreed_amount": amount.amount, "cost_reference": reference,
                            "price_agreed_by": actor, "price_agreed_at": timezone.now(),
                            "committed_amount": amount.amount},
                   data={"price": str(amount.amount)})
        release_record(request=request, tag="award")
        announce(request_listing_changed, request_id=request.pk)
    return request


def request_cancel(*, actor, request: PurchaseRequest, reason) -> PurchaseRequest:
    """The agency cancels (before a price is agreed); the commitment is released."""
    require_perm(actor, ProcurementPerm.CANCEL_REQUEST, request)
    reason = clean_reason(reason)
    with transaction.atomic():
        fresh = _locked(request)
        REQUEST_STATES.check(fresh.status, R.CANCELLED)
        _release(fresh)
        transition(request, REQUEST_STATES, R.CANCELLED, actor=actor,
                   action=ProcurementAction.REQUEST_CANCELLED,
                   changes={"cancel_reason": reason, "committed_amount": 0})
        if fresh.published_at:
            release_record(request=request, tag="tenderCancellation")
            announce(request_listing_changed, request_id=request.pk)
    return request
