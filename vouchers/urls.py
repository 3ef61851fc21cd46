from django.urls import path

from vouchers import views
from vouchers.views import office, spending

app_name = "vouchers"
urlpatterns = [
    path("apply/", views.apply_page, name="apply"),
    path("mine/", views.mine_page, name="mine"),
    path("makerspaces/<slug:slug>/", views.makerspace_page, name="makerspace"),
    path("makerspaces/<slug:slug>/pilot/", views.pilot_apply_page, name="pilot_apply"),
    path("applications/<int:pk>/decide/", views.application_decide, name="decide"),
    path("<int:pk>/order/", spending.order_page, name="order"),
    path("orders/<int:pk>/step/", spending.order_step, name="order_step"),
    path("providers/<slug:slug>/", spending.provider_page, name="provider"),
    path("providers/by-id/<int:pk>/", spending.provider_by_id, name="provider_by_id"),
    path("office/", office.office_page, name="office"),
    path("office/statistics.csv", office.statistics_csv, name="statistics_csv"),
    path("office/admissions/<int:pk>/decide/", office.admission_decide, name="admission_decide"),
]
