"""Product pages: public list and detail, maker create/edit/publish/withdraw, images."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.filters import PublicProductFilter
from catalog.forms import ImageForm, ProductForm, format_specifications
from catalog.product_sections import product_sections_for
from catalog.rules import MAKER_ROLES, CatalogPerm
from catalog.selectors import (
    certifications_of_product,
    makerspaces_operated_by,
    organisation_ids_of,
    product_current_certification,
    product_first_set_summary,
    product_get,
    product_image_by_file,
    product_image_get,
    product_images,
    product_list,
    products_of_organisations,
)
from catalog.services.images import product_image_add, product_image_delete
from catalog.services.products import (
    product_create,
    product_publish,
    product_update,
    product_withdraw,
)
from catalog.views.common import paginate, query_without_page
from marketplace.accounts.models import OrganisationKind
from marketplace.accounts.selectors import organisations_for_user
from marketplace.core.errors import DomainError, NotFoundError, PermissionDeniedError
from marketplace.core.files import private_file_response
from marketplace.core.pages import domain_errors_as_http, show_error_on_form
from marketplace.core.permissions import has_perm


def product_list_page(request):
    base = product_list(user=None)  # published products only
    filterset = PublicProductFilter(request.GET or None, queryset=base)
    status = 200
    if filterset.is_bound and not filterset.is_valid():
        status, products = 400, base.none()
    else:
        products = filterset.qs
    return render(
        request, "catalog/product_list.html",
        {"filter": filterset, "page": paginate(request, products), "query": query_without_page(request)},
        status=status,
    )


@domain_errors_as_http
def product_detail(request, slug):
    product = product_get(user=request.user, slug=slug)
    can_edit = has_perm(request.user, CatalogPerm.CHANGE_PRODUCT, product)
    context = {
        "product": product,
        "images": product_images(product),
        "certification": product_current_certification(product),
        "eligible_for_first_purchase": product.eligible_for_first_purchase,
        "first_set": product_first_set_summary(product),
        "can_view_first_sets": product.is_first_set and not can_edit
        and has_perm(request.user, CatalogPerm.VIEW_FIRST_SET_UNITS, product),
        "sections": product_sections_for(product, request),
        "can_edit": can_edit,
        "certifications": list(certifications_of_product(product)) if can_edit else [],
        "image_form": ImageForm() if can_edit else None,
    }
    return render(request, "catalog/product_detail.html", context)


def _maker_organisations(user):
    """Maker companies ``user`` may list products for (owner or member)."""
    return organisations_for_user(user).filter(
        kind=OrganisationKind.MAKER_COMPANY, my_role__in=MAKER_ROLES
    )


@login_required
@domain_errors_as_http
def product_create_page(request):
    organisations = _maker_organisations(request.user)
    if not organisations.exists():
        raise PermissionDeniedError(_("Only members of a maker company can list products."))
    form = ProductForm(request.POST or None, request.FILES or None, organisations=organisations,
                       session=request.session)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                product = product_create(
                    actor=request.user, organisation=form.cleaned_data["organisation"],
                    **form.service_data(),
                )
            except PermissionDeniedError:
                raise
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("Draft saved. Publish it when it is ready."))
                return redirect("catalog:product_detail", slug=product.slug)
        else:
            status = 400
    return render(request, "catalog/product_form.html", {"form": form, "creating": True}, status=status)


@login_required
@domain_errors_as_http
def product_edit_page(request, slug):
    product = product_get(user=request.user, slug=slug)
    if not has_perm(request.user, CatalogPerm.CHANGE_PRODUCT, product):
        raise PermissionDeniedError()
    initial = {
        field: getattr(product, field)
        for field in ("category", "makerspace", "name", "name_en", "model_code", "summary",
                      "summary_en", "description", "description_en", "price_amount",
                      "price_currency", "stage", "stock", "is_first_set",
                      "first_set_catalogue_ref")
    }
    initial["specifications"] = format_specifications(product.specifications)
    form = ProductForm(request.POST or None, request.FILES or None, initial=initial, editing=True,
                       organisations=[product.organisation], session=request.session)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                product_update(actor=request.user, product=product, **form.service_data())
            except PermissionDeniedError:
                raise
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("catalog:product_detail", slug=product.slug)
        else:
            status = 400
    return render(
        request, "catalog/product_form.html", {"form": form, "product": product}, status=status
    )


def _action(request, slug, service, success_message, **extra):
    product = product_get(user=request.user, slug=slug)
    try:
        service(actor=request.user, product=product, **extra)
    except (PermissionDeniedError, NotFoundError):
        raise
    except DomainError as exc:
        # Show the product again with the reason, answering with the error's 4xx status.
        messages.error(request, str(exc.message))
        response = product_detail(request, slug)
        response.status_code = exc.status_code
        return response
    messages.success(request, success_message)
    return redirect("catalog:product_detail", slug=slug)


@login_required
@require_POST
@domain_errors_as_http
def product_publish_page(request, slug):
    return _action(request, slug, product_publish, _("The product is published."))


@login_required
@require_POST
@domain_errors_as_http
def product_withdraw_page(request, slug):
    return _action(request, slug, product_withdraw, _("The product is withdrawn."),
                   reason=request.POST.get("reason", ""))


@login_required
@require_POST
@domain_errors_as_http
def product_image_upload_page(request, slug):
    product = product_get(user=request.user, slug=slug)
    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an image to upload."))
        response = product_detail(request, slug)
        response.status_code = 400
        return response
    try:
        product_image_add(actor=request.user, product=product, file=form.cleaned_data["image"],
                          alt=form.cleaned_data["alt"])
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        response = product_detail(request, slug)
        response.status_code = exc.status_code
        return response
    messages.success(request, _("Image added."))
    return redirect("catalog:product_detail", slug=slug)


@login_required
@require_POST
@domain_errors_as_http
def product_image_delete_page(request, slug, image_id):
    product = product_get(user=request.user, slug=slug)
    image = product_image_get(user=request.user, product=product, pk=image_id)
    product_image_delete(actor=request.user, image=image)
    messages.success(request, _("Image removed."))
    return redirect("catalog:product_detail", slug=slug)


@login_required
def my_products(request):
    """The products of the user's organisations (drafts included) and the makerspaces
    they run."""
    org_ids = organisation_ids_of(request.user)
    products = products_of_organisations(org_ids)
    return render(request, "catalog/my_products.html", {
        "page": paginate(request, products), "query": query_without_page(request),
        "can_create": _maker_organisations(request.user).exists(),
        "makerspaces": makerspaces_operated_by(request.user),
    })


IMAGE_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@domain_errors_as_http
def product_image_file(request, name):
    """An image of a product that is not public (a draft, a withdrawn product) for those
    who may see the product; never cached by shared caches."""
    image, fieldfile = product_image_by_file(user=request.user, name=name)
    extension = name.rsplit(".", 1)[-1].lower()
    return private_file_response(fieldfile, as_attachment=False,
                                 content_type=IMAGE_TYPES.get(extension))
