"""The programme office's pages (staff): pilot admissions to decide, and the statistics
per makerspace and category with their CSV export."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.errors import DomainError, PermissionDeniedError
from marketplace.core.pages import domain_errors_as_http
from marketplace.core.permissions import require_perm
from vouchers.charts import statistics_chart_svg
from vouchers.models import PilotAdmission
from vouchers.names import VouchersPerm
from vouchers.selectors import (
    pilot_admission_get_for_viewer,
    pilot_admissions_list_for_viewer,
    programme_for_region,
    reimbursements_open_for_viewer,
)
from vouchers.services.pilot import pilot_admit, pilot_refuse
from vouchers.statistics import FIELDS, statistics_for_viewer


def _year(request) -> int:
    raw = request.GET.get("year", "")
    if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return timezone.localdate().year


@login_required
@domain_errors_as_http
def office_page(request):
    programme = programme_for_region()
    require_perm(request.user, VouchersPerm.VIEW_STATISTICS, programme)
    year = _year(request)
    rows = statistics_for_viewer(user=request.user, programme=programme, year=year)
    totals = {f: sum((getattr(r, f) for r in rows), start=0) for f in FIELDS}
    return render(request, "vouchers/office.html", {
        "programme": programme, "year": year, "rows": rows, "totals": totals,
        "chart": statistics_chart_svg(rows, currency=programme.currency),
        "admissions": pilot_admissions_list_for_viewer(
            user=request.user, status=PilotAdmission.Status.APPLIED).order_by("created_at"),
        "reimbursements": reimbursements_open_for_viewer(user=request.user),
    })


@login_required
@domain_errors_as_http
def statistics_csv(request):
    programme = programme_for_region()
    year = _year(request)
    rows = statistics_for_viewer(user=request.user, programme=programme, year=year)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vouchers-{year}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Chinese names as UTF-8
    writer = csv.writer(response)
    writer.writerow(["makerspace", "makerspace_name", "category", "category_name", "currency",
                     *FIELDS])
    for r in rows:
        writer.writerow([r.makerspace, r.makerspace_name, r.category, r.category_name,
                         r.currency, *(getattr(r, f) for f in FIELDS)])
    return response


@login_required
@domain_errors_as_http
def admission_decide(request, pk):
    """POST only: admit (``action=admit``) or refuse (``action=refuse``, with a reason)."""
    admission = pilot_admission_get_for_viewer(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "admit":
                pilot_admit(actor=request.user, admission=admission)
                messages.success(request, _("Makerspace admitted to the pilot."))
            elif request.POST.get("action") == "refuse":
                pilot_refuse(actor=request.user, admission=admission,
                             reason=request.POST.get("reason", ""))
                messages.success(request, _("Pilot application refused."))
        except PermissionDeniedError:
            raise
        except DomainError as exc:
            messages.error(request, str(exc.message))
    return redirect("vouchers:office")
