"""Admin of procurement: read-only. Budget lines and requests change only through their
services (commitments under the line's lock, transitions with audit events); buyers,
approvers and suppliers act from their pages and the API."""

from django.contrib import admin

from marketplace.core.admin import ReadOnlyAdmin
from procurement.models import BudgetLine, PurchaseRequest


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
