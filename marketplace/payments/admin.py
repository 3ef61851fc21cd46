"""Admin of payments: read-only. Every payment record changes only through its service
(and transition); staff act on payouts and refunds from the staff pages and the API."""

from django.contrib import admin

from marketplace.core.admin import ReadOnlyAdmin, ReadOnlyInline
from marketplace.payments.models import (
    ConnectedAccount,
    JournalEntry,
    JournalLine,
    LedgerAccount,
    OfflinePayout,
    OfflineTransfer,
    PaymentAttempt,
    PaymentCustomer,
    Payout,
    ReconciliationDifference,
    ReconciliationRun,
    Refund,
    SavedPaymentMethod,
    WebhookEvent,
)


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ("amount_value", "currency", "status", "provider_refund_id", "created_at")


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(ReadOnlyAdmin):
    list_display = ("pk", "created_at", "provider", "payer", "scope", "amount_value", "currency",
                    "status", "decline_code", "provider_payment_id")
    list_filter = ("status", "provider", "session")
    list_select_related = ("payer",)
    search_fields = ("scope", "reference", "provider_payment_id", "uid")
    inlines = [RefundInline]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("pk", "created_at", "attempt", "amount_value", "currency", "status")
    list_filter = ("status",)
    search_fields = ("provider_refund_id",)


@admin.register(SavedPaymentMethod)
class SavedPaymentMethodAdmin(ReadOnlyAdmin):
    list_display = ("pk", "owner", "brand", "last4", "status", "off_session_consent")
    list_filter = ("status",)
    list_select_related = ("owner",)


@admin.register(PaymentCustomer)
class PaymentCustomerAdmin(ReadOnlyAdmin):
    list_display = ("user", "provider_customer_id", "created_at")
    list_select_related = ("user",)


@admin.register(ConnectedAccount)
class ConnectedAccountAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "provider_account_id", "status", "payouts_enabled",
                    "disabled_reason")
    list_filter = ("status",)
    list_select_related = ("organisation",)


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ("pk", "created_at", "account", "scope", "gross_value", "currency", "status")
    list_filter = ("status",)
    list_select_related = ("account__organisation",)


@admin.register(OfflineTransfer)
class OfflineTransferAdmin(ReadOnlyAdmin):
    list_display = ("transfer_reference", "attempt", "recorded_by", "decided_by", "decided_at")
    exclude = ("document",)  # private: served only through permission-checked views


@admin.register(OfflinePayout)
class OfflinePayoutAdmin(ReadOnlyAdmin):
    list_display = ("transfer_reference", "cause", "payee", "amount_value", "currency",
                    "status", "recorded_by", "decided_by", "decided_at")
    list_filter = ("status",)
    search_fields = ("transfer_reference", "cause")
    exclude = ("document",)  # private: served only through permission-checked views


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "event_id", "type", "status", "deliveries")
    list_filter = ("status", "type")
    search_fields = ("event_id", "object_id")


class DifferenceInline(ReadOnlyInline):
    model = ReconciliationDifference
    fields = ("kind", "object_type", "object_id", "provider_id", "ours", "theirs")


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "window_start", "window_end", "checked", "differences_found",
                    "error")
    inlines = [DifferenceInline]


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ("kind", "scope", "currency")
    list_filter = ("kind", "currency")
    search_fields = ("scope",)


class JournalLineInline(ReadOnlyInline):
    model = JournalLine
    fields = ("account", "amount", "currency")


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "source_type", "source_id", "scope")
    list_filter = ("kind",)
    search_fields = ("scope",)
    inlines = [JournalLineInline]
