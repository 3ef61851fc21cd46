from django.urls import path

from marketplace.payments.api import offline, payer, staff

app_name = "payments-api"
urlpatterns = [
    path("payments/cards/", payer.CardListCreateApi.as_view(), name="cards"),
    path("payments/cards/<int:pk>/", payer.CardDetailApi.as_view(), name="card"),
    path("payments/attempts/", payer.AttemptListApi.as_view(), name="attempts"),
    path("payments/attempts/<int:pk>/", payer.AttemptDetailApi.as_view(), name="attempt"),
    path("payments/attempts/<int:pk>/refunds/", staff.RefundCreateApi.as_view(),
         name="attempt-refunds"),
    path("payments/refunds/", staff.RefundListApi.as_view(), name="refunds"),
    path("payments/payout-accounts/<slug:slug>/", payer.PayoutAccountApi.as_view(),
         name="payout-account"),
    path("payments/payout-accounts/<slug:slug>/onboarding-link/",
         payer.OnboardingLinkApi.as_view(), name="payout-account-onboarding"),
    path("payments/payouts/", staff.PayoutListApi.as_view(), name="payouts"),
    path("payments/payouts/<int:pk>/approve/",
         staff.PayoutApproveApi.as_view(), name="payout-approve"),
    path("payments/payouts/<int:pk>/cancel/",
         staff.PayoutCancelApi.as_view(), name="payout-cancel"),
    path("payments/offline-transfers/", offline.OfflineTransferCreateApi.as_view(),
         name="offline-transfers"),
    path("payments/offline-transfers/<int:pk>/approve/",
         offline.OfflineTransferDecisionApi.as_view(decision="approve"),
         name="offline-transfer-approve"),
    path("payments/offline-transfers/<int:pk>/reject/",
         offline.OfflineTransferDecisionApi.as_view(decision="reject"),
         name="offline-transfer-reject"),
    path("payments/reconciliation/differences/", staff.DifferenceListApi.as_view(),
         name="differences"),
    path("payments/ledger/accounts/", staff.LedgerAccountListApi.as_view(),
         name="ledger-accounts"),
    path("payments/ledger/accounts/<int:pk>/lines/", staff.LedgerLineListApi.as_view(),
         name="ledger-lines"),
]
