from django.urls import path

from marketplace.payments.views import payer, staff, webhooks

app_name = "payments"
urlpatterns = [
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
    path("cards/", payer.cards_page, name="cards"),
    path("cards/<int:pk>/remove/", payer.card_remove, name="card_remove"),
    path("payout-account/<slug:slug>/", payer.payout_account_page, name="payout_account"),
    path("staff/attempts/", staff.attempts_page, name="staff_attempts"),
    path("staff/refunds/", staff.refunds_page, name="staff_refunds"),
    path("staff/payouts/", staff.payouts_page, name="staff_payouts"),
    path("staff/payouts/<int:pk>/decide/", staff.payout_decide, name="payout_decide"),
    path("staff/reconciliation/", staff.reconciliation_page, name="staff_reconciliation"),
    path("staff/ledger/", staff.ledger_page, name="staff_ledger"),
    path("staff/ledger/<int:pk>/", staff.ledger_account_page, name="staff_ledger_account"),
]
