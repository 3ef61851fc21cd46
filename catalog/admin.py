"""Admin of the catalogue.

What the services own is read-only here: statuses, sequences, certificates and their
validity, insurance amounts and dates, uploaded files (they are checked on upload), the
maker of a product. Rows the services create cannot be added or deleted here. The
fields staff may correct go through the services (product_moderate) or, for reference
data (makerspaces, categories), are audited and announced to search after commit.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
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
from catalog.services.products import EDITABLE_FIELDS, product_changes_clean, product_moderate
from catalog.signals import makerspace_changed, send_after_commit
from marketplace.accounts.admin import AuditedAdminMixin
from marketplace.core.errors import DomainError
from marketplace.core.regions import district_choices


class ReadOnlyAdminMixin:
    """Rows written only by the services: viewable, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


# --- makerspaces and categories (reference data) ---------------------------------------


class MakerspacePhotoInline(ReadOnlyInline):
    model = MakerspacePhoto
    fields = readonly_fields = ("image", "caption", "position")


class MakerspaceAdminForm(forms.ModelForm):
    district = forms.ChoiceField(choices=district_choices, label=_("district"))

    class Meta:
        model = Makerspace
        fields = ("slug", "name", "name_en", "district", "address", "focus_areas", "operator",
                  "description", "description_en", "services", "equipment", "opening_hours",
                  "is_published")


@admin.register(Makerspace)
class MakerspaceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Residents change through the operator's page (leaving detaches products)."""

    audit_action = "catalog.makerspace"
    form = MakerspaceAdminForm
    list_display = ("name", "name_en", "district", "operator", "is_published", "updated_at")
    list_filter = ("district", "is_published")
    search_fields = ("name", "name_en", "slug", "address")
    raw_id_fields = ("operator",)
    readonly_fields = ("resident_names",)
    inlines = [MakerspacePhotoInline]

    def has_delete_permission(self, request, obj=None):
        return False  # products and residents refer to it; unpublish instead

    @admin.display(description=_("resident makers"))
    def resident_names(self, obj):
        return ", ".join(o.name for o in obj.residents.all()) if obj.pk else ""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        send_after_commit(makerspace_changed, makerspace_id=obj.pk)


@admin.register(MakerspacePhoto)
class MakerspacePhotoAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("makerspace", "caption", "position")
    list_select_related = ("makerspace",)


@admin.register(Category)
class CategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_action = "catalog.category"
    list_display = ("path", "name", "name_en", "position")
    search_fields = ("name", "name_en", "slug")
    readonly_fields = ("path",)
    ordering = ("path",)

    def has_delete_permission(self, request, obj=None):
        return False  # products are protected by it; the tree is reference data


# --- products ---------------------------------------------------------------------------


class ProductImageInline(ReadOnlyInline):
    """Images are uploaded (and checked) by the maker; staff remove one from the product
    image admin, through the service."""

    model = ProductImage
    fields = readonly_fields = ("image", "thumbnail", "alt", "width", "height", "format")


class ProductAdminForm(forms.ModelForm):
    """Runs the product service's cleaning on the changed fields, so the admin refuses
    what the maker's form would refuse (negative price, first set without reference...)."""

    class Meta:
        model = Product
        fields = EDITABLE_FIELDS

    def clean(self):
        cleaned = super().clean()
        changes = {f: cleaned[f] for f in self.changed_data if f in cleaned}
        if changes and self.instance.pk:
            try:
                product_changes_clean(Product.objects.get(pk=self.instance.pk), changes)
            except DomainError as exc:
                raise ValidationError(str(exc.message)) from exc
        return cleaned


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
class ProductImageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
class CertificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Decisions are taken on the review page (catalog:certification_review), which
    checks the transition and notifies the applicant."""

    list_display = ("product", "status", "certificate_number", "valid_from", "valid_until",
                    "submitted_at", "reviewer")
    list_filter = ("status",)
    list_select_related = ("product", "reviewer")
    search_fields = ("product__name", "certificate_number")
    inlines = [CertificationDocumentInline]


@admin.register(CertificationDocument)
class CertificationDocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("certification", "original_name", "content_type", "size", "uploaded_at")
    list_select_related = ("certification", "certification__product")
    exclude = ("file",)
    readonly_fields = ("download",)

    @admin.display(description=_("document"))
    def download(self, obj):
        return _document_link(obj)


# --- first sets ---------------------------------------------------------------------------


@admin.register(FirstSetUnit)
class FirstSetUnitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("product", "buyer", "serial_number", "status", "sequence",
                    "counts_as_first_set", "put_into_use_on")
    list_filter = ("status", "counts_as_first_set")
    list_select_related = ("product", "buyer")
    search_fields = ("serial_number", "product__name", "buyer__name")
    actions = ["confirm_units"]

    @admin.action(description=_("Confirm the selected claimed units"))
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
class FirstSetUnitCounterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("product", "buyer", "last_sequence")


@admin.register(FirstSetInsurance)
class FirstSetInsuranceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("product", "insurer", "policy_number", "starts_on", "ends_on", "rate",
                    "premium_amount", "subsidy_amount", "currency")
    list_select_related = ("product",)
    search_fields = ("policy_number", "insurer", "product__name")
