from django.urls import path

from marketplace.notifications import api

urlpatterns = [
    path("notifications/", api.NotificationListApi.as_view(), name="notification-list"),
    path("notifications/read", api.NotificationMarkReadApi.as_view(), name="notification-read"),
]
