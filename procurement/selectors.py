"""Reads of procurement, scoped by the rules."""

from __future__ import annotations

from django.db.models import QuerySet

from catalog.models import Category, Product
from catalog.selectors import category_subtree_ids, products_with_certification
from marketplace.accounts.models import Organisation
from marketplace.core.errors import NotFoundError
from marketplace.core.permissions import has_perm, require_perm, scope_for
from procurement.models import (
    BudgetLine,
    Contract,
    ContractPayment,
    Delivery,
    PurchaseRequest,
    Release,
)
from procurement.rules import ProcurementPerm, _public_statuses


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


def notices_public() -> QuerySet[PurchaseRequest]:
    """Published notices and what became of them (the public portal's rows)."""
    return _requests().filter(status__in=_public_statuses()).order_by("-published_at", "-pk")


def notice_get_public(*, pk: int) -> PurchaseRequest:
    notice = notices_public().filter(pk=pk).first()
    if notice is None:
        raise NotFoundError()
    return notice


def notices_for_index(*, ids: list[int] | None = None) -> QuerySet[PurchaseRequest]:
    qs = notices_public().order_by("pk")
    return qs if ids is None else qs.filter(pk__in=ids)


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
