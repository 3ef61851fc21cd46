"""Admin of the catalogue. Statuses, sequences and computed amounts are read-only here:
they change only through the services (transitions with audit events)."""

from django.contrib import admin

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
from catalog.validators import sanitise_html


class MakerspacePhotoInline(admin.TabularInline):
    model = MakerspacePhoto
    extra = 0


@admin.register(Makerspace)
class MakerspaceAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "district", "operator", "is_published", "updated_at")
    list_filter = ("district", "is_published")
    search_fields = ("name", "name_en", "slug", "address")
    raw_id_fields = ("operator",)
    filter_horizontal = ("residents",)
    inlines = [MakerspacePhotoInline]


@admin.register(MakerspacePhoto)
class MakerspacePhotoAdmin(admin.ModelAdmin):
    list_display = ("makerspace", "caption", "position")
    list_select_related = ("makerspace",)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("path", "name", "name_en", "position")
    search_fields = ("name", "name_en", "slug")
    readonly_fields = ("path",)
    ordering = ("path",)


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    readonly_fields = ("thumbnail", "width", "height", "format")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "category", "stage", "status", "is_first_set",
                    "price_amount", "price_currency", "published_at")
    list_filter = ("status", "stage", "is_first_set", "category")
    list_select_related = ("organisation", "category")
    search_fields = ("name", "name_en", "slug", "organisation__name")
    raw_id_fields = ("organisation", "makerspace")
    readonly_fields = ("status", "published_at", "created_by", "created_at", "updated_at")
    inlines = [ProductImageInline]

    def save_model(self, request, obj, form, change):
        obj.description = sanitise_html(obj.description, enforce_limit=False)
        obj.description_en = sanitise_html(obj.description_en, enforce_limit=False)
        super().save_model(request, obj, form, change)


@admin.register(ProductImage)
class ProductImageAdmin(admin.ModelAdmin):
    list_display = ("product", "alt", "position", "width", "height", "format")
    list_select_related = ("product",)
    readonly_fields = ("thumbnail", "width", "height", "format", "uploaded_by")


class CertificationDocumentInline(admin.TabularInline):
    model = CertificationDocument
    extra = 0
    readonly_fields = ("original_name", "content_type", "size", "uploaded_at")


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ("product", "status", "certificate_number", "valid_from", "valid_until",
                    "submitted_at", "reviewer")
    list_filter = ("status",)
    list_select_related = ("product", "reviewer")
    search_fields = ("product__name", "certificate_number")
    readonly_fields = ("status", "applicant", "reviewer", "submitted_at", "review_started_at",
                       "decided_at", "ended_at")
    raw_id_fields = ("product",)
    inlines = [CertificationDocumentInline]


@admin.register(CertificationDocument)
class CertificationDocumentAdmin(admin.ModelAdmin):
    list_display = ("certification", "original_name", "content_type", "size", "uploaded_at")
    raw_id_fields = ("certification",)


@admin.register(FirstSetUnit)
class FirstSetUnitAdmin(admin.ModelAdmin):
    list_display = ("product", "buyer", "serial_number", "sequence", "counts_as_first_set",
                    "put_into_use_on")
    list_select_related = ("product", "buyer")
    search_fields = ("serial_number", "product__name", "buyer__name")
    readonly_fields = ("sequence", "counts_as_first_set", "recorded_by")
    raw_id_fields = ("product", "buyer")

    def has_add_permission(self, request):
        return False  # sequences are assigned by the service under a lock


@admin.register(FirstSetUnitCounter)
class FirstSetUnitCounterAdmin(admin.ModelAdmin):
    list_display = ("product", "buyer", "last_sequence")
    readonly_fields = ("product", "buyer", "last_sequence")

    def has_add_permission(self, request):
        return False


@admin.register(FirstSetInsurance)
class FirstSetInsuranceAdmin(admin.ModelAdmin):
    list_display = ("product", "insurer", "policy_number", "starts_on", "ends_on", "rate",
                    "premium_amount", "subsidy_amount", "currency")
    list_select_related = ("product",)
    search_fields = ("policy_number", "insurer", "product__name")
    readonly_fields = ("follows", "rate", "subsidy_amount", "recorded_by")
    raw_id_fields = ("product",)

    def has_add_permission(self, request):
        return False  # caps and continuity are checked by the service
