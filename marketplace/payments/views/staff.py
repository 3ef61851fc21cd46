"""Staff pages: payments, refunds, payouts awaiting approval, reconciliation differences,
ledger accounts with their lines."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.core.pages import domain_errors_as_http
from marketplace.core.permissions import require_perm
from marketplace.payments import selectors
from marketplace.payments.errors import PaymentsValidationError
from marketplace.payments.models import Payout
from marketplace.payments.rules import PaymentsPerm
from marketplace.payments.services.payouts import payout_approve, payout_cancel


def _page(request, qs, size=50):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _staff(request):
    require_perm(request.user, PaymentsPerm.REVIEW_PAYMENTS, None)


@login_required
@domain_errors_as_http
def attempts_page(request):
    _staff(request)
    return render(request, "payments/staff_attempts.html",
                  {"page": _page(request, selectors.attempts_for_viewer(request.user))})


@login_required
@domain_errors_as_http
def refunds_page(request):
    return render(request, "payments/staff_refunds.html",
                  {"page": _page(request, selectors.refunds_for_staff(request.user))})


@login_required
@domain_errors_as_http
def payouts_page(request):
    show = request.GET.get("status", Payout.Status.PENDING)
    show = show if show in Payout.Status.values else Payout.Status.PENDING
    return render(request, "payments/staff_payouts.html", {
        "page": _page(request, selectors.payouts_for_staff(request.user, status=show)),
        "show": show, "statuses": Payout.Status.choices})


@login_required
@require_POST
@domain_errors_as_http
def payout_decide(request, pk: int):
    payout = selectors.payout_get_for_staff(user=request.user, pk=pk)
    action = request.POST.get("action")
    if action not in ("approve", "cancel"):
        # never a default: a form that lost its button must not cancel a payout
        raise PaymentsValidationError(_("Choose whether to approve or cancel the payout."),
                                      code="payout_decision", data={"field": "action"})
    if action == "approve":
        payout_approve(actor=request.user, payout=payout)
        messages.success(request, _("Payout approved; the transfer is on its way."))
    else:
        payout_cancel(actor=request.user, payout=payout, reason=request.POST.get("reason", ""))
        messages.success(request, _("Payout canceled."))
    return redirect("payments:staff_payouts")


@login_required
@domain_errors_as_http
def reconciliation_page(request):
    return render(request, "payments/staff_reconciliation.html", {
        "runs": selectors.reconciliation_runs(request.user)[:10],
        "page": _page(request, selectors.reconciliation_differences(request.user))})


@login_required
@domain_errors_as_http
def ledger_page(request):
    return render(request, "payments/staff_ledger.html",
                  {"accounts": selectors.ledger_accounts(request.user)})


@login_required
@domain_errors_as_http
def ledger_account_page(request, pk: int):
    account = selectors.ledger_account_get(user=request.user, pk=pk)
    return render(request, "payments/staff_ledger_account.html", {
        "account": account, "page": _page(request, selectors.ledger_lines(account))})
