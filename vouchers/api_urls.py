from django.urls import path

from vouchers.api import orders
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
    path("vouchers/statistics/", api.StatisticsApi.as_view(), name="statistics"),
    path("vouchers/services/", orders.ServiceListCreateApi.as_view(), name="services"),
    path("vouchers/orders/", orders.OrderListCreateApi.as_view(), name="orders"),
    path("vouchers/orders/<int:pk>/", orders.OrderDetailApi.as_view(), name="order"),
    path("vouchers/orders/<int:pk>/deliver/", orders.OrderDeliverApi.as_view(),
         name="order-deliver"),
    path("vouchers/orders/<int:pk>/confirm/", orders.OrderConfirmApi.as_view(),
         name="order-confirm"),
    path("vouchers/orders/<int:pk>/claim/", orders.RedemptionClaimApi.as_view(),
         name="order-claim"),
    path("vouchers/orders/<int:pk>/approve/", orders.RedemptionApproveApi.as_view(),
         name="order-approve"),
    path("vouchers/orders/<int:pk>/reimbursement/", orders.ReimbursementApi.as_view(),
         name="order-reimbursement"),
    path("vouchers/orders/<int:pk>/reimbursement/approve/",
         orders.ReimbursementApproveApi.as_view(), name="order-reimbursement-approve"),
    path("vouchers/orders/<int:pk>/reimbursement/reject/",
         orders.ReimbursementRejectApi.as_view(), name="order-reimbursement-reject"),
    path("vouchers/orders/<int:pk>/invoice/", orders.OrderInvoiceApi.as_view(),
         name="order-invoice"),
]
