from django.urls import path

from crowdfunding.api import campaigns, pledges

app_name = "crowdfunding-api"
urlpatterns = [
    path("crowdfunding/campaigns/", campaigns.CampaignListApi.as_view(), name="campaigns"),
    path("crowdfunding/campaigns/<int:pk>/", campaigns.CampaignDetailApi.as_view(),
         name="campaign"),
    path("crowdfunding/campaigns/<int:pk>/pledges/", pledges.CampaignPledgeCreateApi.as_view(),
         name="campaign-pledges"),
    path("crowdfunding/pledges/", pledges.PledgeListApi.as_view(), name="pledges"),
    path("crowdfunding/pledges/<int:pk>/", pledges.PledgeDetailApi.as_view(), name="pledge"),
]
