from django.http import HttpResponse
from django.urls import path

app_name = "search"
urlpatterns = [
    path("", lambda request: HttpResponse(""), name="page"),
]
