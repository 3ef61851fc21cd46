from django.urls import path

from crowdfunding.views import public

app_name = "crowdfunding"
urlpatterns = [
    path("", public.discover, name="discover"),
    path("<int:pk>/", public.campaign_detail, name="campaign_detail"),
]
