from django.urls import path

from crowdfunding.views import pledges, public

app_name = "crowdfunding"
urlpatterns = [
    path("", public.discover, name="discover"),
    path("pledges/", pledges.pledge_list, name="pledge_list"),
    path("pledges/<int:pk>/", pledges.pledge_change_page, name="pledge_change"),
    path("pledges/<int:pk>/cancel/", pledges.pledge_cancel_page, name="pledge_cancel"),
    path("<int:pk>/", public.campaign_detail, name="campaign_detail"),
    path("<int:pk>/pledge/", pledges.pledge_page, name="pledge"),
]
