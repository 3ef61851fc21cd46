"""Admin of the voucher programme: read-only. Every row changes only through its services
(the cap and balances under row locks, transitions with audit events); staff decide pilot
admissions from the API."""

from django.contrib import admin

from marketplace.core.admin import ReadOnlyAdmin
from vouchers.models import (
    IssuingAllowance,
    PilotAdmission,
    Programme,
    Service,
    Voucher,
    VoucherApplication,
    VoucherOrder,
)


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ("region", "name", "annual_cap_amount", "currency", "validity_days")


@admin.register(PilotAdmission)
class PilotAdmissionAdmin(ReadOnlyAdmin):
    list_display = ("makerspace", "programme", "status", "decided_at")
    list_filter = ("status",)
    list_select_related = ("makerspace", "programme")


@admin.register(IssuingAllowance)
class IssuingAllowanceAdmin(ReadOnlyAdmin):
    list_display = ("makerspace", "year", "issued_amount", "cap_amount", "currency")
    list_filter = ("year",)
    list_select_related = ("makerspace",)


@admin.register(VoucherApplication)
class VoucherApplicationAdmin(ReadOnlyAdmin):
    list_display = ("pk", "applicant", "organisation", "makerspace", "category",
                    "amount_requested", "status")
    list_filter = ("status", "category")
    list_select_related = ("applicant", "organisation", "makerspace")


@admin.register(Voucher)
class VoucherAdmin(ReadOnlyAdmin):
    list_display = ("pk", "recipient", "makerspace", "year", "amount_issued", "balance_amount",
                    "valid_until", "status")
    list_filter = ("status", "year")
    list_select_related = ("recipient", "makerspace")


@admin.register(Service)
class ServiceAdmin(ReadOnlyAdmin):
    list_display = ("name", "provider", "category", "price_amount", "currency", "is_active")
    list_filter = ("category", "is_active")
    list_select_related = ("provider",)


@admin.register(VoucherOrder)
class VoucherOrderAdmin(ReadOnlyAdmin):
    list_display = ("pk", "service", "provider", "voucher_amount", "rest_amount", "status")
    list_filter = ("status",)
    list_select_related = ("service", "provider")
    exclude = ("invoice",)  # private: downloaded through the permission-checked API
