from django.urls import path

from vouchers.api import views as api

app_name = "vouchers-api"
urlpatterns = [
    path("vouchers/pilot/", api.PilotListCreateApi.as_view(), name="pilot"),
    path("vouchers/pilot/<int:pk>/admit/", api.PilotAdmitApi.as_view(), name="pilot-admit"),
    path("vouchers/pilot/<int:pk>/refuse/", api.PilotRefuseApi.as_view(), name="pilot-refuse"),
    path("vouchers/pilot/<int:pk>/suspend/", api.PilotSuspendApi.as_view(),
         name="pilot-suspend"),
    path("vouchers/applications/", api.ApplicationListCreateApi.as_view(), name="applications"),
    path("vouchers/applications/<int:pk>/", api.ApplicationDetailApi.as_view(),
         name="application"),
    path("vouchers/applications/<int:pk>/issue/", api.ApplicationIssueApi.as_view(),
         name="application-issue"),
    path("vouchers/applications/<int:pk>/refuse/", api.ApplicationRefuseApi.as_view(),
         name="application-refuse"),
    path("vouchers/mine/", api.MyVoucherListApi.as_view(), name="my-vouchers"),
    path("vouchers/<int:pk>/", api.VoucherDetailApi.as_view(), name="voucher"),
    path("vouchers/makerspaces/<slug:slug>/cap/", api.MakerspaceCapApi.as_view(),
         name="makerspace-cap"),
]
