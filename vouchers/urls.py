from django.urls import path

from vouchers import views
from vouchers.views import office

app_name = "vouchers"
urlpatterns = [
    path("apply/", views.apply_page, name="apply"),
    path("mine/", views.mine_page, name="mine"),
    path("makerspaces/<slug:slug>/", views.makerspace_page, name="makerspace"),
    path("applications/<int:pk>/decide/", views.application_decide, name="decide"),
    path("office/", office.office_page, name="office"),
    path("office/statistics.csv", office.statistics_csv, name="statistics_csv"),
    path("office/admissions/<int:pk>/decide/", office.admission_decide, name="admission_decide"),
]
