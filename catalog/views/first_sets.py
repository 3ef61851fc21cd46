"""First-set pages: a product's units in use and insurance policies, and the claims a
buyer is asked to confirm."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from catalog.forms import FirstSetUnitForm, InsuranceForm, ReasonForm
from catalog.rules import CatalogPerm
from catalog.selectors import (
    first_set_unit_get,
    first_set_units_awaiting,
    first_set_units_for_viewer,
    product_first_set_summary,
    product_get,
)
from catalog.services.first_sets import (
    first_set_insurance_record,
    first_set_unit_confirm,
    first_set_unit_record,
    first_set_unit_reject,
)
from catalog.views.common import paginate
from marketplace.accounts.selectors import organisation_get
from marketplace.core.errors import DomainError, NotFoundError, PermissionDeniedError
from marketplace.core.files import private_file_response
from marketplace.core.pages import domain_errors_as_http, show_error_on_form
from marketplace.core.permissions import has_perm, require_perm

FORMS = {"unit": FirstSetUnitForm, "insurance": InsuranceForm, "reject": ReasonForm}


@login_required
@domain_errors_as_http
def product_first_sets_page(request, slug):
    """The maker and staff see every unit and the insurance; a buyer sees, records and
    confirms its own organisation's units."""
    product = product_get(user=request.user, slug=slug)
    require_perm(request.user, CatalogPerm.VIEW_FIRST_SET_UNITS, product)
    can_see_all = has_perm(request.user, CatalogPerm.VIEW_FIRST_SET_RECORDS, product)
    forms = {name: cls(prefix=name) for name, cls in FORMS.items()}
    status = 200
    if request.method == "POST":
        action = request.POST.get("record") or request.POST.get("action")
        try:
            _handle(request, product, action, forms)
        except _Invalid:
            status = 400
        except (PermissionDeniedError, NotFoundError):
            raise
        except DomainError as exc:
            target = forms.get(action)
            if target is not None:
                status = show_error_on_form(target, exc)
            else:
                messages.error(request, str(exc.message))
                status = exc.status_code
        else:
            return redirect("catalog:product_first_sets", slug=slug)
    units = list(first_set_units_for_viewer(user=request.user, product=product))
    return render(request, "catalog/first_sets.html", {
        "product": product, "summary": product_first_set_summary(product),
        "units": units, "can_see_all": can_see_all,
        "decidable": set(
            first_set_units_awaiting(request.user).filter(product=product)
            .values_list("pk", flat=True)
        ),
        "unit_form": forms["unit"], "insurance_form": forms["insurance"],
        "reject_form": forms["reject"],
    }, status=status)


def _handle(request, product, action, forms) -> None:
    """One POST of the page; raises _Invalid (errors on the form) or a DomainError."""
    if action in ("confirm", "reject"):
        unit = first_set_unit_get(user=request.user, pk=_int(request.POST.get("unit")))
        if unit.product_id != product.pk:
            raise NotFoundError()
        if action == "confirm":
            first_set_unit_confirm(actor=request.user, unit=unit)
            messages.success(
                request, _("Unit confirmed.") if unit.status == unit.Status.CONFIRMED
                else _("Your confirmation is recorded; the unit counts once the other side "
                       "confirms it too."))
            return
        form = forms["reject"] = ReasonForm(request.POST, prefix="reject")
        if not form.is_valid():
            raise _Invalid()
        first_set_unit_reject(actor=request.user, unit=unit, reason=form.cleaned_data["reason"])
        messages.success(request, _("Unit rejected; the maker is told why."))
        return
    if action not in ("unit", "insurance"):
        raise DomainError(_("Unknown action."))
    kept = {"session": request.session} if action == "unit" else {}  # its document is kept
    form = forms[action] = FORMS[action](request.POST, request.FILES, prefix=action, **kept)
    if not form.is_valid():
        raise _Invalid()
    if action == "insurance":
        first_set_insurance_record(actor=request.user, product=product, **form.cleaned_data)
        messages.success(request, _("Recorded."))
        return
    data = dict(form.cleaned_data)
    try:
        buyer = organisation_get(data.pop("buyer"))
    except NotFoundError:
        form.add_error("buyer", _("No organisation has this web address."))
        raise _Invalid() from None
    first_set_unit_record(actor=request.user, product=product, buyer=buyer, **data)
    messages.success(request, _("Recorded. It counts once the other side of the purchase "
                                "confirms it."))


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFoundError() from None


@login_required
def first_set_units_awaiting_page(request):
    """Claims the signed-in buyer (or staff) is asked to confirm, across products."""
    return render(request, "catalog/first_sets_awaiting.html", {
        "page": paginate(request, first_set_units_awaiting(request.user), 50),
    })


class _Invalid(Exception):
    """A form did not validate (its errors are on the form)."""


@login_required
@domain_errors_as_http
def first_set_unit_document(request, pk):
    """The purchase document of a unit: the maker, the buyer and staff (private storage, no
    URL). Anyone else gets a 404."""
    unit = first_set_unit_get(user=request.user, pk=pk)
    if not unit.purchase_document:
        raise NotFoundError()
    return private_file_response(
        unit.purchase_document, filename=unit.purchase_document_name or None,
        content_type=unit.purchase_document_type or "application/octet-stream",
    )
