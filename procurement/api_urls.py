from django.urls import path

from procurement.api import contracts, delivery, ocds
from procurement.api import requests as api

app_name = "procurement-api"
urlpatterns = [
    path("procurement/requests/<int:pk>/", api.RequestDetailApi.as_view(), name="request"),
    path("procurement/requests/<int:pk>/approve/", api.RequestApproveApi.as_view(),
         name="request-approve"),
    path("procurement/requests/<int:pk>/publish/", api.RequestPublishApi.as_view(),
         name="request-publish"),
    path("procurement/requests/<int:pk>/accept/", api.RequestAcceptApi.as_view(),
         name="request-accept"),
    path("procurement/requests/<int:pk>/decline/", api.RequestDeclineApi.as_view(),
         name="request-decline"),
    path("procurement/requests/<int:pk>/price/", api.RequestAgreePriceApi.as_view(),
         name="request-price"),
    path("procurement/requests/<int:pk>/cancel/", api.RequestCancelApi.as_view(),
         name="request-cancel"),
    path("procurement/requests/<int:pk>/contract/", contracts.ContractGenerateApi.as_view(),
         name="contract-generate"),
    path("procurement/contracts/<int:pk>/", contracts.ContractDetailApi.as_view(),
         name="contract"),
    path("procurement/contracts/<int:pk>/sign/", contracts.ContractSignApi.as_view(),
         name="contract-sign"),
    path("procurement/contracts/<int:pk>/cancel/", contracts.ContractCancelApi.as_view(),
         name="contract-cancel"),
    path("procurement/requests/<int:pk>/deliveries/", delivery.DeliveryListApi.as_view(),
         name="request-deliveries"),
    path("procurement/requests/<int:pk>/acceptance/", delivery.AcceptanceApi.as_view(),
         name="request-acceptance"),
    path("procurement/requests/<int:pk>/terminate/", delivery.TerminateApi.as_view(),
         name="request-terminate"),
    path("procurement/requests/<int:pk>/payments/", delivery.PaymentRecordApi.as_view(),
         name="request-payment"),
    path("procurement/payments/<int:pk>/approve/", delivery.PaymentApproveApi.as_view(),
         name="payment-approve"),
    path("ocds/releases/", ocds.OcdsReleasePackageApi.as_view(), name="ocds-releases"),
    path("ocds/records/<str:ocid>/", ocds.OcdsRecordPackageApi.as_view(), name="ocds-record"),
]
