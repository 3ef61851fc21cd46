from django.urls import path

from marketplace.accounts import views

app_name = "accounts"
urlpatterns = [
    path("mfa-required/", views.mfa_required, name="mfa_required"),
    path("profile/", views.mfa_required, name="profile"),
    path("organisations/", views.mfa_required, name="organisation_list"),
    path("staff/kyc/", views.mfa_required, name="kyc_queue"),
]
