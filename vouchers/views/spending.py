"""Pages of spending: a maker orders a service with a voucher and confirms deliveries; a
service provider's people list services, mark orders delivered and claim redemptions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from marketplace.accounts.models import Organisation
from marketplace.accounts.selectors import organisation_get
from marketplace.core.errors import DomainError, NotFoundError, PermissionDeniedError
from marketplace.core.pages import domain_errors_as_http, show_error_on_form
from marketplace.core.permissions import require_perm
from vouchers.forms import ClaimForm, OrderForm, ServiceForm
from vouchers.models import VoucherOrder
from vouchers.names import VouchersPerm
from vouchers.selectors import (
    order_get_for_viewer,
    orders_list_for_viewer,
    programme_for_region,
    reimbursement_of,
    services_offered,
    voucher_get_for_viewer,
)
from vouchers.services.orders import (
    order_confirm,
    order_deliver,
    redemption_approve,
    redemption_claim,
    voucher_order_place,
)
from vouchers.services.providers import service_create
from vouchers.services.reimbursement import (
    reimbursement_approve,
    reimbursement_record,
    reimbursement_reject,
)


@login_required
@domain_errors_as_http
def order_page(request, pk):
    voucher = voucher_get_for_viewer(user=request.user, pk=pk)
    require_perm(request.user, VouchersPerm.ORDER_SERVICE, voucher)
    services = list(services_offered(programme=voucher.programme)
                    .filter(category__in=voucher.categories).order_by("provider__name", "name"))
    form = OrderForm(request.POST or None, services=services)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                voucher_order_place(
                    actor=request.user, voucher=voucher,
                    service=next(s for s in services if str(s.pk) == data["service"]),
                    amount=data["amount"], rest_payment=data["rest_payment"] or None,
                )
            except PermissionDeniedError:
                raise
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("Service ordered."))
                return redirect("vouchers:mine")
        else:
            status = 400
    return render(request, "vouchers/order.html", {"voucher": voucher, "form": form},
                  status=status)


@login_required
@domain_errors_as_http
def provider_page(request, slug):
    provider = organisation_get(slug)
    require_perm(request.user, VouchersPerm.MANAGE_SERVICES, provider)
    programme = programme_for_region()
    form = ServiceForm(request.POST or None, programme=programme)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                service_create(actor=request.user, provider=provider, programme=programme,
                               **form.cleaned_data)
            except PermissionDeniedError:
                raise
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("Service listed."))
                return redirect("vouchers:provider", slug=slug)
        else:
            status = 400
    return render(request, "vouchers/provider.html", {
        "provider": provider, "programme": programme, "form": form,
        "services": services_offered(programme=programme, provider=provider),
        "orders": orders_list_for_viewer(user=request.user).filter(provider=provider)
        .exclude(status=VoucherOrder.Status.REDEEMED)[:100],
        "claim_form": ClaimForm(),
    }, status=status)


@login_required
@domain_errors_as_http
def order_step(request, pk):
    """POST only: ``deliver`` (provider), ``confirm`` (maker), ``claim`` (provider, with
    the invoice) or ``approve`` (the makerspace) an order; then its reimbursement:
    ``reimburse`` (record the treasury transfer), ``reimbursement_approve`` or
    ``reimbursement_reject`` (the makerspace or staff); back to that person's page."""
    order = order_get_for_viewer(user=request.user, pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "confirm":
        back = redirect("vouchers:mine")
    elif action in ("approve", "reimburse", "reimbursement_approve", "reimbursement_reject"):
        back = redirect("vouchers:makerspace", slug=order.voucher.makerspace.slug)
    else:
        back = redirect("vouchers:provider", slug=order.provider.slug)
    try:
        if action == "deliver":
            order_deliver(actor=request.user, order=order)
            messages.success(request, _("Marked as delivered."))
        elif action == "confirm":
            order_confirm(actor=request.user, order=order)
            messages.success(request, _("Delivery confirmed."))
        elif action == "claim":
            redemption_claim(actor=request.user, order=order,
                             invoice=request.FILES.get("invoice"),
                             invoice_number=request.POST.get("invoice_number", ""))
            messages.success(request, _("Redemption claimed."))
        elif action == "approve":
            redemption_approve(actor=request.user, order=order)
            messages.success(request, _("Redemption approved."))
        elif action == "reimburse":
            reimbursement_record(actor=request.user, order=order,
                                 transfer_reference=request.POST.get("transfer_reference", ""),
                                 document=request.FILES.get("document"))
            messages.success(request, _("Treasury transfer recorded; someone else approves it."))
        elif action in ("reimbursement_approve", "reimbursement_reject"):
            payout = reimbursement_of(order)
            if payout is None:
                raise NotFoundError(_("No treasury payout is recorded for this order."))
            if action == "reimbursement_approve":
                reimbursement_approve(actor=request.user, payout=payout)
                messages.success(request, _("Reimbursement paid."))
            else:
                reimbursement_reject(actor=request.user, payout=payout,
                                     reason=request.POST.get("reason", ""))
                messages.success(request, _("Treasury transfer rejected."))
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return back


@login_required
@domain_errors_as_http
def provider_by_id(request, pk):
    """The account menu's link (it knows the organisation's id, not its slug)."""
    slug = Organisation.objects.filter(pk=pk).values_list("slug", flat=True).first()
    if slug is None:
        raise NotFoundError()
    return redirect("vouchers:provider", slug=slug)
