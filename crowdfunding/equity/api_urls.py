from django.urls import path

from crowdfunding.equity.api import commitments as commitments_api
from crowdfunding.equity.api import offerings as api

app_name = "equity-api"
urlpatterns = [
    path("equity/offerings/", api.OfferingListApi.as_view(), name="offerings"),
    path("equity/offerings/<int:pk>/", api.OfferingDetailApi.as_view(), name="offering"),
    path("equity/offerings/<int:pk>/submit/", api.OfferingSubmitApi.as_view(),
         name="offering-submit"),
    path("equity/offerings/<int:pk>/request-changes/", api.OfferingRequestChangesApi.as_view(),
         name="offering-request-changes"),
    path("equity/offerings/<int:pk>/revise/", api.OfferingReviseApi.as_view(),
         name="offering-revise"),
    path("equity/offerings/<int:pk>/approve/", api.OfferingApproveApi.as_view(),
         name="offering-approve"),
    path("equity/offerings/<int:pk>/cancel/", api.OfferingCancelApi.as_view(),
         name="offering-cancel"),
    path("equity/offerings/<int:pk>/commitments/", commitments_api.OfferingCommitApi.as_view(),
         name="offering-commit"),
    path("equity/commitments/", commitments_api.CommitmentListApi.as_view(), name="commitments"),
    path("equity/commitments/<int:pk>/cancel/", commitments_api.CommitmentCancelApi.as_view(),
         name="commitment-cancel"),
]
