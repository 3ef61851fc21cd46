"""Admin of the catalogue.

What the services own is read-only here: statuses, sequences, certificates and their
validity, insurance amounts and dates, uploaded files (they are checked on upload), the
maker of a product. Rows the services create cannot be added or deleted here. Every edit
staff may make goes through a service: products (``product_moderate``), makerspaces
(``makerspace_create`` / ``makerspace_moderate``, publication through the actions) and
categories (``category_save``), so the same rules, audit events and search updates apply.
"""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from catalog.models import (
    Category,
    Certification,
    CertificationDocument,
    FirstSetInsurance,
    FirstSetUnit,
    FirstSetUnitCounter,
    Makerspace,
    MakerspacePhoto,
    Product,
    ProductImage,
)
from catalog.services.first_sets import first_set_unit_confirm
from catalog.services.images import product_image_delete
from catalog.services.makerspaces import (
    CATEGORY_FIELDS,
    category_changes_clean,
    category_save,
    makerspace_changes_clean,
    makerspace_create,
    makerspace_moderate,
    makerspace_publish,
    makerspace_unpublish,
)
from catalog.services.makerspaces import (
    EDITABLE_FIELDS as MAKERSPACE_FIELDS,
)
from catalog.services.products import EDITABLE_FIELDS, product_changes_clean, product_moderate
from marketplace.core.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceFormMixin
from marketplace.core.errors import DomainError
from marketplace.core.regions import district_choices


def _each(modeladmin, request, queryset, service, done_message, *, as_: str):
    """Run ``service(actor=..., <as_>=row)`` on each selected row; refusals are listed,
    not raised."""
    done = 0
    for obj in queryset.order_by("pk"):
        try:
            service(actor=request.user, **{as_: obj})
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", messages.WARNING)
        else:
            done += 1
    modeladmin.message_user(request, done_message % {"count": done})


# --- makerspaces and categories (reference data) ---------------------------------------


class MakerspacePhotoInline(ReadOnlyInline):
    model = MakerspacePhoto
    fields = readonly_fields = ("image", "caption", "position")


class MakerspaceAdminForm(forms.ModelForm):
    """Runs the makerspace service's cleaning (region pack districts and focus areas,
    sanitised descriptions) on the changed fields."""

    district = forms.ChoiceField(choices=district_choices, label=_("district"))

    class Meta:
        model = Makerspace
        fields = ("slug", "operator", *MAKERSPACE_FIELDS)

    def clean(self):
        # the operator and slug are the creation's business; the rest is the service's
        cleaned = super().clean()
        changes = {f: cleaned[f] for f in self.changed_data
                   if f in cleaned and f in MAKERSPACE_FIELDS}
        if changes:
            try:
                makerspace_changes_clean(self.instance, changes)
            except DomainError as exc:
                raise forms.ValidationError(str(exc.message)) from exc
        return cleaned


@admin.register(Makerspace)
class MakerspaceAdmin(admin.ModelAdmin):
    """Residents change through the operator's page (leaving detaches products); the
    status through the publish / unpublish actions."""

    form = MakerspaceAdminForm
    list_display = ("name", "name_en", "district", "operator", "status", "updated_at")
    list_filter = ("district", "status")
    search_fields = ("name", "name_en", "slug", "address")
    raw_id_fields = ("operator",)
    readonly_fields = ("status", "resident_names")
    inlines = [MakerspacePhotoInline]
    actions = ["publish_selected", "unpublish_selected"]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "slug", "operator") if obj is not None else fields

    def has_delete_permission(self, request, obj=None):
        return False  # products and residents refer to it; unpublish instead

    @admin.display(description=_("resident makers"))
    def resident_names(self, obj):
        return ", ".join(o.name for o in obj.residents.all()) if obj.pk else ""

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            changes = {f: data[f] for f in form.changed_data if f in MAKERSPACE_FIELDS}
            if changes:
                makerspace_moderate(actor=request.user, makerspace=obj, **changes)
            return
        created = makerspace_create(
            actor=request.user, operator=data["operator"], slug=data.get("slug", ""),
            **{f: data[f] for f in MAKERSPACE_FIELDS if f in data},
        )
        obj.pk, obj._state.adding = created.pk, False

    @admin.action(description=_("Publish the selected makerspaces"))
    def publish_selected(self, request, queryset):
        _each(self, request, queryset, makerspace_publish,
              _("%(count)d makerspace(s) published."), as_="makerspace")

    @admin.action(description=_("Unpublish the selected makerspaces"))
    def unpublish_selected(self, request, queryset):
        _each(self, request, queryset, makerspace_unpublish,
              _("%(count)d makerspace(s) unpublished."), as_="makerspace")


@admin.register(MakerspacePhoto)
class MakerspacePhotoAdmin(ReadOnlyAdmin):
    list_display = ("makerspace", "caption", "position")
    list_select_related = ("makerspace",)


class CategoryAdminForm(ServiceFormMixin, forms.ModelForm):
    clean_changes = staticmethod(category_changes_clean)

    class Meta:
        model = Category
        fields = CATEGORY_FIELDS


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryAdminForm
    list_display = ("path", "name", "name_en", "position")
    search_fields = ("name", "name_en", "slug")
    readonly_fields = ("path",)
    ordering = ("path",)

    def has_delete_permission(self, request, obj=None):
        return False  # products are protected by it; the tree is reference data

    def save_model(self, request, obj, form, change):
        fields = form.changed_data if change else CATEGORY_FIELDS
        changes = {f: form.cleaned_data[f] for f in fields if f in form.cleaned_data}
        saved = category_save(actor=request.user, category=obj if change else None, **changes)
        obj.pk, obj.path, obj._state.adding = saved.pk, saved.path, False


# --- products ---------------------------------------------------------------------------


class ProductImageInline(ReadOnlyInline):
    """Images are uploaded (and checked) by the maker; staff remove one from the product
    image admin, through the service."""

    model = ProductImage
    fields = readonly_fields = ("image", "thumbnail", "alt", "width", "height", "format")


class ProductAdminForm(ServiceFormMixin, forms.ModelForm):
    """Runs the product service's cleaning on the changed fields, so the admin refuses
    what the maker's form would refuse (negative price, first set without reference...)."""

    clean_changes = staticmethod(product_changes_clean)

    class Meta:
        model = Product
        fields = EDITABLE_FIELDS


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    """Makers create products; staff correct the editable fields through product_moderate
    (audited, announced to search). The maker, status and dates stay as the services set
    them."""

    form = ProductAdminForm
    list_display = ("name", "organisation", "category", "stage", "status", "is_first_set",
                    "price_amount", "price_currency", "published_at")
    list_filter = ("status", "stage", "is_first_set", "category")
    list_select_related = ("organisation", "category")
    search_fields = ("name", "name_en", "slug", "organisation__name")
    raw_id_fields = ("makerspace",)
    readonly_fields = ("organisation", "slug", "status", "published_at", "created_by",
                       "created_at", "updated_at")
    inlines = [ProductImageInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # withdraw instead: buyers and backers may refer to it

    def save_model(self, request, obj, form, change):
        changes = {f: form.cleaned_data[f] for f in form.changed_data if f in EDITABLE_FIELDS}
        if changes:
            saved = product_moderate(actor=request.user, product=obj, **changes)
            for field in changes:
                setattr(obj, field, getattr(saved, field))


@admin.register(ProductImage)
class ProductImageAdmin(ReadOnlyAdmin):
    list_display = ("product", "alt", "position", "width", "height", "format")
    list_select_related = ("product",)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_staff

    def delete_model(self, request, obj):
        product_image_delete(actor=request.user, image=obj)

    def delete_queryset(self, request, queryset):
        for image in queryset.select_related("product"):
            product_image_delete(actor=request.user, image=image)


# --- certification ------------------------------------------------------------------------


class CertificationDocumentInline(ReadOnlyInline):
    model = CertificationDocument
    fields = readonly_fields = ("download", "content_type", "size", "uploaded_at")

    @admin.display(description=_("document"))
    def download(self, obj):
        return _document_link(obj)


def _document_link(document):
    url = reverse("catalog:certification_document",
                  args=[document.certification_id, document.pk])
    return format_html('<a href="{}">{}</a>', url, document.original_name or document.pk)


@admin.register(Certification)
class CertificationAdmin(ReadOnlyAdmin):
    """Decisions are taken on the review page (catalog:certification_review), which
    checks the transition and notifies the applicant."""

    list_display = ("product", "status", "certificate_number", "valid_from", "valid_until",
                    "submitted_at", "reviewer")
    list_filter = ("status",)
    list_select_related = ("product", "reviewer")
    search_fields = ("product__name", "certificate_number")
    inlines = [CertificationDocumentInline]


@admin.register(CertificationDocument)
class CertificationDocumentAdmin(ReadOnlyAdmin):
    list_display = ("certification", "original_name", "content_type", "size", "uploaded_at")
    list_select_related = ("certification", "certification__product")
    exclude = ("file",)
    readonly_fields = ("download",)

    @admin.display(description=_("document"))
    def download(self, obj):
        return _document_link(obj)


# --- first sets ---------------------------------------------------------------------------


@admin.register(FirstSetUnit)
class FirstSetUnitAdmin(ReadOnlyAdmin):
    list_display = ("product", "buyer", "serial_number", "status", "sequence",
                    "counts_as_first_set", "put_into_use_on")
    exclude = ("purchase_document",)  # private: through the permission-checked view
    list_filter = ("status", "counts_as_first_set")
    list_select_related = ("product", "buyer")
    search_fields = ("serial_number", "product__name", "buyer__name")
    actions = ["confirm_units"]

    @admin.action(description=_("Confirm the selected claimed units (on their purchase "
                                "documents)"))
    def confirm_units(self, request, queryset):
        confirmed = 0
        for unit in queryset.filter(status=FirstSetUnit.Status.CLAIMED).select_related(
            "product", "product__organisation", "buyer"
        ):
            try:
                first_set_unit_confirm(actor=request.user, unit=unit)
            except DomainError as exc:
                self.message_user(request, f"{unit}: {exc.message}", messages.ERROR)
            else:
                confirmed += 1
        self.message_user(request, _("%(n)s units confirmed.") % {"n": confirmed})


@admin.register(FirstSetUnitCounter)
class FirstSetUnitCounterAdmin(ReadOnlyAdmin):
    list_display = ("product", "buyer", "last_sequence")


@admin.register(FirstSetInsurance)
class FirstSetInsuranceAdmin(ReadOnlyAdmin):
    list_display = ("product", "insurer", "policy_number", "starts_on", "ends_on", "rate",
                    "premium_amount", "subsidy_amount", "currency")
    list_select_related = ("product",)
    search_fields = ("policy_number", "insurer", "product__name")
