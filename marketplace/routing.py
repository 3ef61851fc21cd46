"""Websocket routes of every app, gathered in one place."""

from django.urls import path

from crowdfunding.consumers import CampaignProgressConsumer
from marketplace.notifications.consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
    path("ws/crowdfunding/campaigns/<int:campaign_id>/", CampaignProgressConsumer.as_asgi()),
]
