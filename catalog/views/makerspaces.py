"""Makerspace pages: public list and detail; the operator's edit page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.filters import MakerspaceFilter
from catalog.forms import MakerspaceForm, PhotoForm, ResidentForm
from catalog.rules import CatalogPerm
from catalog.selectors import (
    makerspace_get,
    makerspace_list,
    makerspace_photo_get,
    makerspace_products,
)
from catalog.services.images import makerspace_photo_add, makerspace_photo_delete
from catalog.services.makerspaces import (
    makerspace_resident_add,
    makerspace_resident_remove,
    makerspace_update,
)
from catalog.views.common import paginate, query_without_page
from marketplace.accounts.selectors import organisation_get
from marketplace.core.errors import DomainError, NotFoundError, PermissionDeniedError
from marketplace.core.pages import domain_errors_as_http, show_error_on_form
from marketplace.core.permissions import has_perm, require_perm


def makerspace_list_page(request):
    filterset = MakerspaceFilter(request.GET or None, queryset=makerspace_list())
    status = 200
    if filterset.is_bound and not filterset.is_valid():
        status, spaces = 400, makerspace_list().none()
    else:
        spaces = filterset.qs
    return render(request, "catalog/makerspace_list.html", {
        "filter": filterset, "page": paginate(request, spaces), "query": query_without_page(request),
    }, status=status)


@domain_errors_as_http
def makerspace_detail(request, slug):
    makerspace = makerspace_get(user=request.user, slug=slug)
    return render(request, "catalog/makerspace_detail.html", {
        "makerspace": makerspace,
        "residents": makerspace.resident_list,
        "page": paginate(request, makerspace_products(makerspace)),
        "query": query_without_page(request),
        "can_edit": has_perm(request.user, CatalogPerm.CHANGE_MAKERSPACE, makerspace),
    })


@login_required
@domain_errors_as_http
def makerspace_edit_page(request, slug):
    makerspace = makerspace_get(user=request.user, slug=slug)
    require_perm(request.user, CatalogPerm.CHANGE_MAKERSPACE, makerspace)
    form = MakerspaceForm(request.POST or None, initial=_initial(makerspace))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                makerspace_update(actor=request.user, makerspace=makerspace, **form.cleaned_data)
            except PermissionDeniedError:
                raise
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("catalog:makerspace_detail", slug=slug)
        else:
            status = 400
    return _render_edit(request, makerspace, status, form=form)


def _render_edit(request, makerspace, status: int, *, form=None, photo_form=None,
                 resident_form=None):
    return render(request, "catalog/makerspace_form.html", {
        "form": form or MakerspaceForm(initial=_initial(makerspace)), "makerspace": makerspace,
        "photo_form": photo_form or PhotoForm(), "resident_form": resident_form or ResidentForm(),
        "residents": makerspace.resident_list,
    }, status=status)


def _initial(makerspace) -> dict:
    initial = {f: getattr(makerspace, f) for f in (
        "name", "name_en", "district", "address", "focus_areas", "description", "description_en",
        "opening_hours")}
    initial["services"] = "\n".join(makerspace.services)
    initial["equipment"] = "\n".join(makerspace.equipment)
    return initial


@login_required
@require_POST
@domain_errors_as_http
def makerspace_photo_upload_page(request, slug):
    makerspace = makerspace_get(user=request.user, slug=slug)
    require_perm(request.user, CatalogPerm.CHANGE_MAKERSPACE, makerspace)
    form = PhotoForm(request.POST, request.FILES, session=request.session)
    if not form.is_valid():
        return _render_edit(request, makerspace, 400, photo_form=form)
    try:
        makerspace_photo_add(actor=request.user, makerspace=makerspace,
                             file=form.cleaned_data["image"], caption=form.cleaned_data["caption"])
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        return _render_edit(request, makerspace, show_error_on_form(form, exc), photo_form=form)
    messages.success(request, _("Photo added."))
    return redirect("catalog:makerspace_edit", slug=slug)


@login_required
@require_POST
@domain_errors_as_http
def makerspace_photo_delete_page(request, slug, photo_id):
    makerspace = makerspace_get(user=request.user, slug=slug)
    photo = makerspace_photo_get(makerspace=makerspace, pk=photo_id)
    makerspace_photo_delete(actor=request.user, photo=photo)
    messages.success(request, _("Photo removed."))
    return redirect("catalog:makerspace_edit", slug=slug)


@login_required
@require_POST
@domain_errors_as_http
def makerspace_resident_page(request, slug):
    makerspace = makerspace_get(user=request.user, slug=slug)
    require_perm(request.user, CatalogPerm.CHANGE_MAKERSPACE, makerspace)
    form = ResidentForm(request.POST)
    if not form.is_valid():
        return _render_edit(request, makerspace, 400, resident_form=form)
    try:
        organisation = organisation_get(form.cleaned_data["organisation"])
    except NotFoundError:
        form.add_error("organisation", _("No organisation has this web address."))
        return _render_edit(request, makerspace, 400, resident_form=form)
    service = makerspace_resident_remove if request.POST.get("remove") else makerspace_resident_add
    try:
        service(actor=request.user, makerspace=makerspace, organisation=organisation)
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        return _render_edit(request, makerspace, show_error_on_form(form, exc), resident_form=form)
    messages.success(request, _("Residents updated."))
    return redirect("catalog:makerspace_edit", slug=slug)
