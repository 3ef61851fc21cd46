from django.urls import path

from marketplace.accounts.api import kyc, organisations, users

urlpatterns = [
    path("me/", users.MeApi.as_view(), name="accounts-me"),
    path("kyc/", kyc.KycListSubmitApi.as_view(), name="accounts-kyc"),
    path("staff/kyc/", kyc.StaffKycQueueApi.as_view(), name="accounts-staff-kyc"),
    path("staff/kyc/<int:pk>/approve/", kyc.StaffKycApproveApi.as_view(),
         name="accounts-staff-kyc-approve"),
    path("staff/kyc/<int:pk>/reject/", kyc.StaffKycRejectApi.as_view(),
         name="accounts-staff-kyc-reject"),
    path("staff/organisations/<slug:slug>/verify/",
         organisations.StaffOrganisationVerifyApi.as_view(),
         name="accounts-staff-organisation-verify"),
    path("organisations/", organisations.OrganisationListCreateApi.as_view(),
         name="accounts-organisations"),
    path("organisations/<slug:slug>/", organisations.OrganisationDetailApi.as_view(),
         name="accounts-organisation"),
    path("organisations/<slug:slug>/members/<int:membership_id>/",
         organisations.MembershipDetailApi.as_view(), name="accounts-membership"),
    path("organisations/<slug:slug>/invitations/",
         organisations.InvitationListCreateApi.as_view(), name="accounts-invitations"),
    path("organisations/<slug:slug>/invitations/<int:invitation_id>/revoke/",
         organisations.InvitationRevokeApi.as_view(), name="accounts-invitation-revoke"),
    path("invitations/<str:token>/accept/", organisations.InvitationAcceptApi.as_view(),
         name="accounts-invitation-accept"),
]
