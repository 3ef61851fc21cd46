from django.urls import path

from crowdfunding.api import campaigns, manage, pledges

app_name = "crowdfunding-api"
C = "crowdfunding/campaigns/<int:pk>/"
urlpatterns = [
    path("crowdfunding/campaigns/", campaigns.CampaignListApi.as_view(), name="campaigns"),
    path("crowdfunding/campaigns/review-queue/", manage.CampaignReviewQueueApi.as_view(),
         name="campaign-review-queue"),
    path(C, campaigns.CampaignDetailApi.as_view(), name="campaign"),
    path(f"{C}fees/", manage.CampaignFeesApi.as_view(), name="campaign-fees"),
    path(f"{C}tiers/", manage.TierCreateApi.as_view(), name="campaign-tiers"),
    path(f"{C}submit/", manage.CampaignSubmitApi.as_view(), name="campaign-submit"),
    path(f"{C}revise/", manage.CampaignReviseApi.as_view(), name="campaign-revise"),
    path(f"{C}approve/", manage.CampaignApproveApi.as_view(), name="campaign-approve"),
    path(f"{C}request-changes/", manage.CampaignRequestChangesApi.as_view(),
         name="campaign-request-changes"),
    path(f"{C}cancel/", manage.CampaignCancelApi.as_view(), name="campaign-cancel"),
    path(f"{C}pledges/", pledges.CampaignPledgeCreateApi.as_view(), name="campaign-pledges"),
    path("crowdfunding/tiers/<int:pk>/", manage.TierDetailApi.as_view(), name="tier"),
    path("crowdfunding/pledges/", pledges.PledgeListApi.as_view(), name="pledges"),
    path("crowdfunding/pledges/<int:pk>/", pledges.PledgeDetailApi.as_view(), name="pledge"),
]
