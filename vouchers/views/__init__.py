"""Pages of the voucher programme: a maker applies and sees their vouchers; a
makerspace's people see its applications, issue or refuse, and the year's cap used."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Makerspace
from catalog.selectors import makerspace_by_slug
from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.accounts.rules import organisation_ids_of
from marketplace.core.errors import DomainError, NotFoundError, PermissionDeniedError
from marketplace.core.pages import domain_errors_as_http, show_error_on_form
from marketplace.core.permissions import require_perm
from vouchers.forms import IssueForm, RefuseForm, VoucherApplyForm
from vouchers.models import PilotAdmission, VoucherApplication, VoucherOrder
from vouchers.names import VouchersPerm
from vouchers.rules import MAKER_ROLES
from vouchers.selectors import (
    application_get_for_viewer,
    applications_list_for_viewer,
    makerspace_cap_for_viewer,
    my_vouchers,
    orders_list_for_viewer,
    programme_for_region,
    reimbursements_open_for_viewer,
    vouchers_list_for_viewer,
)
from vouchers.services.applications import voucher_apply, voucher_issue, voucher_refuse
from vouchers.services.pilot import pilot_apply


def _admitted_makerspaces(programme):
    return Makerspace.objects.filter(
        voucher_admissions__programme=programme,
        voucher_admissions__status=PilotAdmission.Status.ADMITTED,
    ).order_by("name")


@login_required
@domain_errors_as_http
def apply_page(request):
    programme = programme_for_region()
    spaces = list(_admitted_makerspaces(programme))
    organisations = list(Organisation.objects.filter(
        pk__in=organisation_ids_of(request.user, MAKER_ROLES),
        kind=OrganisationKind.MAKER_COMPANY).order_by("name"))
    form = VoucherApplyForm(request.POST or None, programme=programme, makerspaces=spaces,
                            organisations=organisations,
                            initial={"makerspace": request.GET.get("makerspace", "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            by_slug = {o.slug: o for o in organisations}
            try:
                voucher_apply(
                    actor=request.user, programme=programme,
                    makerspace=next(m for m in spaces if m.slug == data["makerspace"]),
                    organisation=by_slug.get(data["organisation"]),
                    registered_on=data["registered_on"], category=data["category"],
                    amount=data["amount"], purpose=data["purpose"],
                )
            except PermissionDeniedError:
                raise
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("Application sent to the makerspace."))
                return redirect("vouchers:mine")
        else:
            status = 400
    return render(request, "vouchers/apply.html", {"form": form, "programme": programme},
                  status=status)


@login_required
@domain_errors_as_http
def mine_page(request):
    return render(request, "vouchers/mine.html", {
        "vouchers": my_vouchers(user=request.user)[:100],
        "applications": applications_list_for_viewer(user=request.user)
        .filter(applicant=request.user)[:100],
        "orders": orders_list_for_viewer(user=request.user)
        .filter(voucher__in=my_vouchers(user=request.user)).select_related("service")[:100],
    })


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


@login_required
@domain_errors_as_http
def makerspace_page(request, slug):
    makerspace = makerspace_by_slug(slug)
    if makerspace is None:
        raise NotFoundError()
    require_perm(request.user, VouchersPerm.VIEW_CAP, makerspace)
    year = _year(request)
    programme = programme_for_region()
    admission = (PilotAdmission.objects.filter(makerspace=makerspace, programme=programme)
                 .order_by("-pk").first())
    return render(request, "vouchers/makerspace.html", {
        "makerspace": makerspace, "year": year, "admission": admission,
        "cap": makerspace_cap_for_viewer(user=request.user, makerspace=makerspace, year=year),
        "applications": applications_list_for_viewer(
            user=request.user, makerspace=makerspace,
            status=VoucherApplication.Status.SUBMITTED).order_by("created_at")[:100],
        "vouchers": vouchers_list_for_viewer(user=request.user, makerspace=makerspace)
        .filter(year=year)[:100],
        "claims": orders_list_for_viewer(user=request.user, status=VoucherOrder.Status.CLAIMED)
        .filter(voucher__makerspace=makerspace).order_by("claimed_at")[:100],
        "reimbursements": reimbursements_open_for_viewer(user=request.user,
                                                         makerspace=makerspace),
        "issue_form": IssueForm(), "refuse_form": RefuseForm(),
    })


@login_required
@domain_errors_as_http
def application_decide(request, pk):
    """POST only: issue (``action=issue``) or refuse (``action=refuse``) an application."""
    application = application_get_for_viewer(user=request.user, pk=pk)
    back = redirect("vouchers:makerspace", slug=application.makerspace.slug)
    if request.method != "POST":
        return back
    action = request.POST.get("action")
    try:
        if action == "issue":
            form = IssueForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("The amount is not valid."))
                return back
            voucher_issue(actor=request.user, application=application,
                          amount=form.cleaned_data["amount"])
            messages.success(request, _("Voucher issued."))
        elif action == "refuse":
            voucher_refuse(actor=request.user, application=application,
                           reason=request.POST.get("reason", ""))
            messages.success(request, _("Application refused."))
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return back


@login_required
@domain_errors_as_http
def pilot_apply_page(request, slug):
    """POST only: the makerspace's people apply to the programme's pilot."""
    makerspace = makerspace_by_slug(slug)
    if makerspace is None:
        raise NotFoundError()
    if request.method == "POST":
        try:
            pilot_apply(actor=request.user, makerspace=makerspace,
                        programme=programme_for_region())
            messages.success(request, _("Applied to the pilot. Staff will decide."))
        except PermissionDeniedError:
            raise
        except DomainError as exc:
            messages.error(request, str(exc.message))
    return redirect("vouchers:makerspace", slug=slug)
