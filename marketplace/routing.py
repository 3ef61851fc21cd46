"""Websocket routes of every app, gathered in one place."""

from django.urls import path

from marketplace.notifications.consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
