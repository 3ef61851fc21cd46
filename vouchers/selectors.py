"""Reads of the voucher programme, scoped by the rules."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet, Sum

from catalog.models import Makerspace
from marketplace.accounts.rules import organisation_ids_of
from marketplace.core.errors import NotFoundError
from marketplace.core.money import Money
from marketplace.core.permissions import has_perm, require_perm, scope_for
from vouchers.errors import NoProgramme
from vouchers.models import (
    IssuingAllowance,
    PilotAdmission,
    Programme,
    Service,
    Voucher,
    VoucherApplication,
    VoucherOrder,
)
from vouchers.names import VouchersPerm
from vouchers.rules import MAKER_ROLES, OPERATOR_ROLES


def programme_for_region(region: str | None = None) -> Programme:
    """The programme of ``region`` (the configured region by default), else NoProgramme."""
    programme = Programme.objects.filter(region=region or settings.MARKETPLACE_REGION).first()
    if programme is None:
        raise NoProgramme()
    return programme


def _admissions() -> QuerySet[PilotAdmission]:
    return PilotAdmission.objects.select_related("makerspace", "programme")


def pilot_admission_get_for_viewer(*, user, pk: int) -> PilotAdmission:
    admission = _admissions().filter(pk=pk).first()
    if admission is None or not has_perm(user, VouchersPerm.VIEW_PILOT, admission):
        raise NotFoundError()
    return admission


def pilot_admissions_list_for_viewer(*, user, status: str | None = None) -> QuerySet[PilotAdmission]:
    qs = scope_for(user, VouchersPerm.VIEW_PILOT, _admissions())
    return qs.filter(status=status) if status else qs


def _applications() -> QuerySet[VoucherApplication]:
    return VoucherApplication.objects.select_related(
        "applicant", "organisation", "makerspace", "programme"
    )


def application_get_for_viewer(*, user, pk: int) -> VoucherApplication:
    """One application ``user`` may see, else NotFoundError (others' applications are
    not revealed)."""
    application = _applications().filter(pk=pk).first()
    if application is None or not has_perm(user, VouchersPerm.VIEW_APPLICATION, application):
        raise NotFoundError()
    return application


def applications_list_for_viewer(*, user, makerspace: Makerspace | None = None,
                                 status: str | None = None) -> QuerySet[VoucherApplication]:
    qs = scope_for(user, VouchersPerm.VIEW_APPLICATION, _applications())
    if makerspace is not None:
        qs = qs.filter(makerspace=makerspace)
    return qs.filter(status=status) if status else qs


def _vouchers() -> QuerySet[Voucher]:
    return Voucher.objects.select_related("recipient", "organisation", "makerspace", "programme")


def voucher_get_for_viewer(*, user, pk: int) -> Voucher:
    voucher = _vouchers().filter(pk=pk).first()
    if voucher is None or not has_perm(user, VouchersPerm.VIEW_VOUCHER, voucher):
        raise NotFoundError()
    return voucher


def vouchers_list_for_viewer(*, user, makerspace: Makerspace | None = None) -> QuerySet[Voucher]:
    qs = scope_for(user, VouchersPerm.VIEW_VOUCHER, _vouchers())
    return qs.filter(makerspace=makerspace) if makerspace is not None else qs


def my_vouchers(*, user) -> QuerySet[Voucher]:
    """The vouchers ``user`` received, or their maker team or company did."""
    if not getattr(user, "is_authenticated", False):
        return Voucher.objects.none()
    return _vouchers().filter(
        Q(recipient=user) | Q(organisation_id__in=organisation_ids_of(user, MAKER_ROLES))
    )


def makerspace_cap_used(makerspace: Makerspace, year: int,
                        programme: Programme | None = None) -> Money:
    """What ``makerspace`` issued in calendar ``year`` (under ``programme``, by default the
    region's programme)."""
    programme = programme or programme_for_region()
    issued = IssuingAllowance.objects.filter(
        makerspace=makerspace, programme=programme, year=year
    ).aggregate(total=Sum("issued_amount"))["total"]
    return Money(issued or 0, programme.currency)


@dataclass(frozen=True)
class CapUse:
    year: int
    cap: Money
    used: Money

    @property
    def remaining(self) -> Money:
        return self.cap - self.used


def makerspace_cap_for_viewer(*, user, makerspace: Makerspace, year: int) -> CapUse:
    require_perm(user, VouchersPerm.VIEW_CAP, makerspace)
    programme = programme_for_region()
    allowance = IssuingAllowance.objects.filter(makerspace=makerspace, programme=programme,
                                                year=year).first()
    cap = allowance.cap if allowance is not None else programme.annual_cap
    return CapUse(year=year, cap=cap, used=makerspace_cap_used(makerspace, year, programme))


def services_offered(*, programme: Programme, category: str | None = None,
                     provider=None) -> QuerySet[Service]:
    """Services makers may order: offered, of providers staff verified."""
    qs = Service.objects.select_related("provider").filter(
        programme=programme, is_active=True, provider__verification_status="verified"
    )
    if category:
        qs = qs.filter(category=category)
    if provider is not None:
        qs = qs.filter(provider=provider)
    return qs


def service_get_offered(*, pk: int) -> Service:
    service = Service.objects.select_related("provider", "programme").filter(
        pk=pk, is_active=True, provider__verification_status="verified").first()
    if service is None:
        raise NotFoundError()
    return service


def _orders() -> QuerySet[VoucherOrder]:
    return VoucherOrder.objects.select_related(
        "voucher", "voucher__makerspace", "voucher__programme", "service", "provider"
    )


def order_get_for_viewer(*, user, pk: int) -> VoucherOrder:
    order = _orders().filter(pk=pk).first()
    if order is None or not has_perm(user, VouchersPerm.VIEW_ORDER, order):
        raise NotFoundError()
    return order


def orders_list_for_viewer(*, user, status: str | None = None) -> QuerySet[VoucherOrder]:
    qs = scope_for(user, VouchersPerm.VIEW_ORDER, _orders())
    return qs.filter(status=status) if status else qs


def order_invoice_for_viewer(*, user, pk: int) -> VoucherOrder:
    """The order whose private invoice ``user`` may download, else NotFoundError."""
    order = order_get_for_viewer(user=user, pk=pk)
    if not order.invoice or not has_perm(user, VouchersPerm.VIEW_INVOICE, order):
        raise NotFoundError()
    return order


def makerspaces_in_pilot_operated_by(*, user) -> QuerySet[Makerspace]:
    """The makerspaces admitted to the pilot whose operator ``user`` acts for."""
    return Makerspace.objects.filter(
        operator_id__in=organisation_ids_of(user, OPERATOR_ROLES),
        voucher_admissions__status=PilotAdmission.Status.ADMITTED,
    ).distinct().order_by("name")


def reimbursement_get_for_viewer(*, user, order_pk: int):
    """The order's open or paid treasury payout (or ``None``), for the programme side
    (staff, the issuing makerspace) and the provider; others get a 404."""
    from vouchers.rules import provides

    order = order_get_for_viewer(user=user, pk=order_pk)
    if not (has_perm(user, VouchersPerm.APPROVE_REDEMPTION, order)
            or provides(user, order.provider)):
        raise NotFoundError()
    return order, reimbursement_of(order)


def reimbursement_of(order: VoucherOrder):
    """The order's open or paid treasury payout, if any."""
    from marketplace.payments.models import OfflinePayout
    from vouchers.ledger import order_cause

    return (OfflinePayout.objects.filter(cause=order_cause(order))
            .exclude(status=OfflinePayout.Status.REJECTED).first())


def reimbursements_open_for_viewer(*, user, makerspace=None) -> list[tuple]:
    """Redeemed orders (of ``makerspace``, or all the viewer sees: the programme office)
    whose reimbursement is not paid yet: (order, its recorded payout or ``None``), oldest
    approval first."""
    from marketplace.payments.models import OfflinePayout
    from vouchers.ledger import order_cause

    qs = orders_list_for_viewer(user=user, status=VoucherOrder.Status.REDEEMED)
    if makerspace is not None:
        qs = qs.filter(voucher__makerspace=makerspace)
    orders = list(qs.order_by("redeemed_at", "pk")[:200])
    payouts = {p.cause: p for p in OfflinePayout.objects.filter(
        cause__in=[order_cause(o) for o in orders]).exclude(status=OfflinePayout.Status.REJECTED)}
    rows = [(order, payouts.get(order_cause(order))) for order in orders]
    return [(order, payout) for order, payout in rows
            if payout is None or payout.status == OfflinePayout.Status.RECORDED][:100]
