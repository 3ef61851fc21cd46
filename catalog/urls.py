from django.http import HttpResponse
from django.urls import path

app_name = "catalog"
urlpatterns = [
    path("products/", lambda request: HttpResponse(""), name="product_list"),
    path("makerspaces/", lambda request: HttpResponse(""), name="makerspace_list"),
]
