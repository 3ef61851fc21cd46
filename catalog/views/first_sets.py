"""First-set records page: units in use and insurance policies of one product."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from catalog.forms import FirstSetUnitForm, InsuranceForm
from catalog.selectors import first_set_units_of, product_first_set_summary, product_get
from catalog.services.first_sets import first_set_insurance_record, first_set_unit_record
from catalog.views.common import domain_errors_as_http, form_error
from marketplace.accounts.models import Organisation
from marketplace.core.errors import DomainError, PermissionDeniedError
from marketplace.core.permissions import require_perm


@login_required
@domain_errors_as_http
def product_first_sets_page(request, slug):
    product = product_get(user=request.user, slug=slug)
    require_perm(request.user, "catalog.view_first_set_records", product)
    unit_form = FirstSetUnitForm(prefix="unit")
    insurance_form = InsuranceForm(prefix="insurance")
    status = 200
    if request.method == "POST":
        kind = request.POST.get("record")
        form = (FirstSetUnitForm(request.POST, prefix="unit") if kind == "unit"
                else InsuranceForm(request.POST, prefix="insurance"))
        if kind == "unit":
            unit_form = form
        else:
            insurance_form = form
        if not form.is_valid():
            status = 400
        else:
            try:
                if kind == "unit":
                    data = dict(form.cleaned_data)
                    buyer = Organisation.objects.filter(slug=data.pop("buyer")).first()
                    if buyer is None:
                        form.add_error("buyer", _("No organisation has this web address."))
                        raise _Invalid()
                    first_set_unit_record(actor=request.user, product=product, buyer=buyer, **data)
                else:
                    first_set_insurance_record(
                        actor=request.user, product=product, **form.cleaned_data
                    )
            except _Invalid:
                status = 400
            except PermissionDeniedError:
                raise
            except DomainError as exc:
                status = form_error(form, exc)
            else:
                messages.success(request, _("Recorded."))
                return redirect("catalog:product_first_sets", slug=slug)
    return render(request, "catalog/first_sets.html", {
        "product": product, "summary": product_first_set_summary(product),
        "units": first_set_units_of(product), "unit_form": unit_form,
        "insurance_form": insurance_form,
    }, status=status)


class _Invalid(Exception):
    pass
