"""Admin of procurement: read-only. Budget lines, requests, contracts, deliveries,
payments and OCDS releases change only through their services (commitments under the
line's lock, transitions with audit events, signatures with MFA); buyers, approvers and
suppliers act from their pages and the API. The contract PDF is not linked here: it is
served by the permission-checked view only."""

from django.contrib import admin

from marketplace.core.admin import ReadOnlyAdmin
from procurement.models import (
    BudgetLine,
    Contract,
    ContractPayment,
    Delivery,
    PurchaseRequest,
    Release,
)


@admin.register(BudgetLine)
class BudgetLineAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "agency", "year", "currency")
    list_filter = ("year",)
    list_select_related = ("agency",)
    search_fields = ("code", "name", "agency__name")


@admin.register(PurchaseRequest)
class PurchaseRequestAdmin(ReadOnlyAdmin):
    list_display = ("ocid", "title", "kind", "status", "agency", "supplier")
    list_filter = ("kind", "status")
    list_select_related = ("agency", "supplier")
    search_fields = ("ocid", "title", "agency__name")


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ("number", "request", "status", "amount_value", "currency",
                    "buyer_signatory", "supplier_signatory")
    list_filter = ("status",)
    list_select_related = ("request",)
    search_fields = ("number", "request__ocid", "request__title")
    exclude = ("pdf",)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("request", "quantity", "delivered_on", "status", "failure_action")
    list_filter = ("status", "failure_action")
    list_select_related = ("request",)
    search_fields = ("request__ocid", "request__title")


@admin.register(ContractPayment)
class ContractPaymentAdmin(ReadOnlyAdmin):
    list_display = ("request", "budget_line", "amount_value", "currency", "created_at")
    list_select_related = ("request", "budget_line")
    search_fields = ("request__ocid", "budget_line__code")


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdmin):
    list_display = ("release_id", "ocid", "tag", "date")
    search_fields = ("ocid", "release_id")
