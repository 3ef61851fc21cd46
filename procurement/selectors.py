"""Reads of procurement, scoped by the rules."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Product
from catalog.selectors import category_subtree_ids, products_with_certification
from marketplace.accounts.models import Organisation
from marketplace.core.errors import NotFoundError
from marketplace.core.models import AuditEvent
from marketplace.core.money import Money
from marketplace.core.permissions import has_perm, require_perm, scope_for
from procurement.models import (
    BudgetLine,
    Contract,
    ContractPayment,
    Delivery,
    PurchaseRequest,
    Release,
)
from procurement.rules import ProcurementPerm
from procurement.states import ProcurementAction


def _requests() -> QuerySet[PurchaseRequest]:
    return PurchaseRequest.objects.select_related(
        "agency", "budget_line", "product", "category", "supplier"
    )


def request_get_for_viewer(*, user, pk: int) -> PurchaseRequest:
    """One request ``user`` may see, else NotFoundError (a draft's existence is not
    revealed to others)."""
    request = _requests().filter(pk=pk).first()
    if request is None or not has_perm(user, ProcurementPerm.VIEW_REQUEST, request):
        raise NotFoundError()
    return request


def requests_for_viewer(*, user) -> QuerySet[PurchaseRequest]:
    return scope_for(user, ProcurementPerm.VIEW_REQUEST, _requests())


# --- the public portal: notices and what became of them, secrets redacted -----------------
#
# Public: the notice (title, agency, product, category, quantity, ceiling, delivery place
# and date, acceptance criteria), the supplier and the agreed price, the contract's number,
# amount, status and signing dates, each delivery's date, quantity and acceptance outcome,
# the cancellation reason, and the timeline (actions and dates).
# Redacted: the cost reference of the negotiation, the supplier's reason for declining,
# the budget line, the commitment, every officer (drafter, approver, signatories, the
# people who decided), the acceptance experts and their reasons, the contract's terms and
# PDF, delivery notes, serial numbers and payment details. Staff see the timeline's actors.

def _portal_statuses() -> tuple[str, ...]:
    S = PurchaseRequest.Status
    return (S.PUBLISHED, S.SUPPLIER_ACCEPTED, S.SUPPLIER_DECLINED, S.PRICE_AGREED,
            S.CONTRACTED, S.DELIVERED, S.RECTIFICATION, S.ACCEPTED, S.PAID, S.TERMINATED,
            S.CANCELLED)


def portal_status_choices() -> list[tuple[str, str]]:
    labels = dict(PurchaseRequest.Status.choices)
    return [(status, labels[status]) for status in _portal_statuses()]


@dataclass(frozen=True)
class PublicContract:
    number: str
    amount: Money
    status: str
    status_label: str
    buyer_signed_at: datetime | None
    supplier_signed_at: datetime | None


@dataclass(frozen=True)
class PublicDelivery:
    delivered_on: date
    quantity: int
    status: str
    status_label: str
    failure_action_label: str
    decided_at: datetime | None


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    label: str
    actor: str = ""  # staff only


@dataclass(frozen=True)
class PublicNotice:
    """What anyone may read of a published request (nothing else is copied here)."""

    pk: int
    ocid: str
    kind: str
    title: str
    status: str
    status_label: str
    agency_id: int
    agency_name: str
    product_id: int | None
    product_name: str
    category_name: str
    category_name_en: str
    category_path: str
    district: str
    quantity: int
    ceiling: Money
    delivery_place: str
    delivery_date: date
    acceptance_criteria: str
    published_at: datetime
    supplier_name: str
    agreed: Money | None
    price_agreed_at: datetime | None
    cancel_reason: str
    paid_at: datetime | None
    contract: PublicContract | None = None
    deliveries: tuple[PublicDelivery, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()

    @property
    def outcome(self) -> PublicDelivery | None:
        """The last acceptance decided (its outcome is the notice's acceptance outcome)."""
        decided = [d for d in self.deliveries if d.decided_at is not None]
        return decided[-1] if decided else None


def _public_notice(request: PurchaseRequest, **more) -> PublicNotice:
    labels = dict(PurchaseRequest.Status.choices)
    category = request.category
    return PublicNotice(
        pk=request.pk, ocid=request.ocid, kind=request.kind, title=request.title,
        status=request.status, status_label=str(labels.get(request.status, request.status)),
        agency_id=request.agency_id, agency_name=request.agency.name,
        product_id=request.product_id,
        product_name=request.product.name if request.product else "",
        category_name=category.name, category_name_en=category.name_en,
        category_path=category.path, district=request.agency.district or "",
        quantity=request.quantity, ceiling=request.ceiling,
        delivery_place=request.delivery_place, delivery_date=request.delivery_date,
        acceptance_criteria=request.acceptance_criteria, published_at=request.published_at,
        supplier_name=request.supplier.name if request.supplier else "",
        agreed=request.agreed if request.agreed_amount is not None else None,
        price_agreed_at=request.price_agreed_at,
        cancel_reason=(request.cancel_reason
                       if request.status == PurchaseRequest.Status.CANCELLED else ""),
        paid_at=request.paid_at, **more,
    )


class PublicNotices:
    """The portal's rows, lazily: a paginator or the search index slices, counts and
    iterates it; each row is a :class:`PublicNotice` (never the model)."""

    def __init__(self, queryset: QuerySet[PurchaseRequest]):
        self._qs = queryset

    def count(self) -> int:
        return self._qs.count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[PublicNotice]:
        return (_public_notice(row) for row in self._qs)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_public_notice(row) for row in self._qs[index]]
        return _public_notice(self._qs[index])

    def exists(self) -> bool:
        return self._qs.exists()


def _public_rows() -> QuerySet[PurchaseRequest]:
    # no budget line, no officers: the public rows never load them
    return (PurchaseRequest.objects.select_related("agency", "product", "category", "supplier")
            .filter(status__in=_portal_statuses(), published_at__isnull=False))


def notices_public(*, status: str | None = None, agency_id: int | None = None,
                   ids: list[int] | None = None) -> PublicNotices:
    """Published notices and what became of them, newest first, redacted: the only read
    of the public portal (and of search). A request cancelled before its notice was
    published never appears."""
    qs = _public_rows()
    if status:
        qs = qs.filter(status=status)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return PublicNotices(qs.order_by("-published_at", "-pk"))


def notice_agencies_public() -> QuerySet[Organisation]:
    """The agencies with a public notice (the portal's agency filter)."""
    return (Organisation.objects.filter(pk__in=_public_rows().values("agency_id"))
            .order_by("name", "pk"))


def _timeline_labels() -> dict[str, object]:
    A = ProcurementAction
    return {
        A.REQUEST_DRAFTED: _("Request drafted"),
        A.REQUEST_APPROVED: _("Request approved"),
        A.REQUEST_PUBLISHED: _("Notice published"),
        A.REQUEST_SUPPLIER_ACCEPTED: _("Accepted by the supplier"),
        A.REQUEST_SUPPLIER_DECLINED: _("Declined by the supplier"),
        A.REQUEST_PRICE_AGREED: _("Price agreed"),
        A.REQUEST_CANCELLED: _("Cancelled"),
        A.CONTRACT_GENERATED: _("Contract generated"),
        A.CONTRACT_SIGNED_BY_BUYER: _("Contract signed by the buyer"),
        A.CONTRACT_SIGNED_BY_SUPPLIER: _("Contract signed by the supplier"),
        A.CONTRACT_CANCELLED: _("Contract cancelled"),
        A.REQUEST_CONTRACTED: _("Contract signed"),
        A.REQUEST_DELIVERED: _("Delivered"),
        A.REQUEST_ACCEPTED: _("Acceptance passed"),
        A.REQUEST_RECTIFICATION: _("Acceptance failed: rectification"),
        A.REQUEST_TERMINATED: _("Contract terminated"),
        A.REQUEST_PAID: _("Paid"),
    }


def _timeline(request: PurchaseRequest, contract_id: int | None, *, staff: bool
              ) -> tuple[TimelineEntry, ...]:
    """The request's and its contract's audit events, oldest first: actions and dates
    (the actor for staff). One query."""
    labels = _timeline_labels()
    objects = Q(object_type=PurchaseRequest._meta.label_lower, object_id=str(request.pk))
    if contract_id is not None:
        objects |= Q(object_type=Contract._meta.label_lower, object_id=str(contract_id))
    events = AuditEvent.objects.filter(objects, action__in=list(labels))
    if staff:
        events = events.select_related("actor")
    entries = []
    for event in events.order_by("created_at", "pk"):
        actor = ""
        if staff and event.actor is not None:
            actor = event.actor.get_full_name() or event.actor.get_username()
        entries.append(TimelineEntry(at=event.created_at, label=str(labels[event.action]),
                                     actor=actor))
    return tuple(entries)


def notice_get_public(*, pk: int, viewer=None) -> PublicNotice:
    """One public notice with its contract summary, acceptance outcomes and timeline,
    redacted; NotFoundError for a draft, an unpublished or an unknown request."""
    request = _public_rows().filter(pk=pk).first()
    if request is None:
        raise NotFoundError()
    contract = (Contract.objects.filter(request=request)
                .exclude(status=Contract.Status.CANCELLED).first())
    contract_labels = dict(Contract.Status.choices)
    delivery_labels = dict(Delivery.Status.choices)
    failure_labels = dict(Delivery.FailureAction.choices)
    deliveries = tuple(
        PublicDelivery(delivered_on=d.delivered_on, quantity=d.quantity, status=d.status,
                       status_label=str(delivery_labels[d.status]),
                       failure_action_label=str(failure_labels.get(d.failure_action, "")),
                       decided_at=d.decided_at)
        for d in Delivery.objects.filter(request=request).order_by("created_at", "pk")
    )
    public_contract = None if contract is None else PublicContract(
        number=contract.number, amount=contract.amount, status=contract.status,
        status_label=str(contract_labels[contract.status]),
        buyer_signed_at=contract.buyer_signed_at, supplier_signed_at=contract.supplier_signed_at,
    )
    staff = bool(getattr(viewer, "is_staff", False))
    return _public_notice(
        request, contract=public_contract, deliveries=deliveries,
        timeline=_timeline(request, contract.pk if contract else None, staff=staff),
    )


def notices_for_index(*, ids: list[int] | None = None) -> PublicNotices:
    """The public notices in primary-key order (search's rows)."""
    qs = _public_rows() if ids is None else _public_rows().filter(pk__in=ids)
    return PublicNotices(qs.order_by("pk"))


def budget_lines_of(*, user, agency: Organisation) -> QuerySet[BudgetLine]:
    require_perm(user, ProcurementPerm.VIEW_BUDGET, agency)
    return BudgetLine.objects.filter(agency=agency)


def budget_line_get(*, user, pk: int) -> BudgetLine:
    line = BudgetLine.objects.select_related("agency").filter(pk=pk).first()
    if line is None or not has_perm(user, ProcurementPerm.VIEW_BUDGET, line.agency):
        raise NotFoundError()
    return line


def listed_products_in_category(category: Category | None) -> QuerySet[Product]:
    """Listed innovative products (catalog's first-purchase rule) in ``category`` and its
    subcategories: what a buyer drafting an ordinary request there is shown."""
    if category is None:
        return Product.objects.none()
    qs = Product.objects.filter(category_id__in=category_subtree_ids(category))
    return (products_with_certification(qs).filter(eligible_for_first_purchase=True)
            .select_related("organisation").order_by("name", "pk"))


def contract_get_for_viewer(*, user, pk: int) -> Contract:
    """A contract its parties or staff may see, else NotFoundError (its existence is not
    revealed to others)."""
    contract = (Contract.objects.select_related("request__agency", "request__supplier")
                .filter(pk=pk).first())
    if contract is None or not has_perm(user, ProcurementPerm.VIEW_CONTRACT, contract):
        raise NotFoundError()
    return contract


def contract_of_request_for_viewer(*, user, request: PurchaseRequest) -> Contract | None:
    contract = Contract.objects.filter(request=request).first()
    if contract is None or not has_perm(user, ProcurementPerm.VIEW_CONTRACT, contract):
        return None
    return contract


def deliveries_of_request(*, user, request: PurchaseRequest) -> QuerySet[Delivery]:
    """The deliveries and their acceptance: the parties and staff."""
    if not has_perm(user, ProcurementPerm.VIEW_CONTRACT, request):
        return Delivery.objects.none()
    return Delivery.objects.filter(request=request).order_by("created_at", "pk")


def payments_of_request(*, user, request: PurchaseRequest) -> QuerySet[ContractPayment]:
    if not has_perm(user, ProcurementPerm.VIEW_CONTRACT, request):
        return ContractPayment.objects.none()
    return (ContractPayment.objects.filter(request=request)
            .select_related("transfer__attempt").order_by("created_at", "pk"))


def payment_get_for_viewer(*, user, pk: int) -> ContractPayment:
    payment = (ContractPayment.objects.select_related("request__agency", "request__supplier",
                                                      "transfer__attempt")
               .filter(pk=pk).first())
    if payment is None or not has_perm(user, ProcurementPerm.VIEW_CONTRACT, payment.request):
        raise NotFoundError()
    return payment


def releases_of_procedure(*, ocid: str) -> list[dict]:
    """The OCDS releases of one procedure, oldest first (public: only published events
    make releases); NotFoundError when there is none."""
    releases = list(Release.objects.filter(ocid=ocid).order_by("date", "pk")
                    .values_list("data", flat=True))
    if not releases:
        raise NotFoundError()
    return releases


def releases_published() -> list[dict]:
    """Every OCDS release of every procedure, by procedure and date (the export)."""
    return list(Release.objects.order_by("ocid", "date", "pk").values_list("data", flat=True))
