from django.urls import path

from marketplace.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
]
