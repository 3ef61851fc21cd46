from django.urls import path

from procurement import views

app_name = "procurement"
urlpatterns = [
    path("", views.notice_list, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("contracts/<int:pk>/pdf/", views.contract_pdf, name="contract-pdf"),
]
