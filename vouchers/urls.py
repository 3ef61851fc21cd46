from django.urls import path

from vouchers import views

app_name = "vouchers"
urlpatterns = [
    path("apply/", views.apply_page, name="apply"),
    path("mine/", views.mine_page, name="mine"),
    path("makerspaces/<slug:slug>/", views.makerspace_page, name="makerspace"),
    path("applications/<int:pk>/decide/", views.application_decide, name="decide"),
]
