from django.urls import path

from marketplace.accounts.views import invitations, kyc, organisations, profile

app_name = "accounts"
urlpatterns = [
    path("mfa-required/", profile.mfa_required, name="mfa_required"),
    path("profile/", profile.profile, name="profile"),
    path("profile/kyc/", profile.kyc_submit_view, name="kyc_submit"),
    path("kyc/documents/<int:pk>/", kyc.kyc_document, name="kyc_document"),
    path("staff/kyc/", kyc.kyc_queue, name="kyc_queue"),
    path("staff/kyc/<int:pk>/", kyc.kyc_review, name="kyc_review"),
    path("staff/kyc/<int:pk>/approve/", kyc.kyc_approve_view, name="kyc_approve"),
    path("staff/kyc/<int:pk>/reject/", kyc.kyc_reject_view, name="kyc_reject"),
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisation-lookup/", organisations.organisation_lookup, name="organisation_lookup"),
    path("organisations/new/", organisations.organisation_create_view,
         name="organisation_create"),
    path("organisations/<slug:slug>/", organisations.organisation_detail,
         name="organisation_detail"),
    path("organisations/<slug:slug>/edit/", organisations.organisation_edit,
         name="organisation_edit"),
    path("organisations/<slug:slug>/members/", organisations.organisation_members,
         name="organisation_members"),
    path("organisations/<slug:slug>/members/<int:membership_id>/role/",
         organisations.membership_role, name="membership_role"),
    path("organisations/<slug:slug>/members/<int:membership_id>/remove/",
         organisations.membership_remove_view, name="membership_remove"),
    path("organisations/<slug:slug>/invite/", organisations.organisation_invite,
         name="organisation_invite"),
    path("organisations/<slug:slug>/invitations/<int:invitation_id>/revoke/",
         organisations.invitation_revoke_view, name="invitation_revoke"),
    path("invitations/<str:token>/", invitations.invitation_accept_view,
         name="invitation_accept"),
]
