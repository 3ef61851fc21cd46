from django.urls import path

from search.api import SearchApi, SuggestApi

urlpatterns = [
    path("search/", SearchApi.as_view(), name="search-api"),
    path("search/suggest/", SuggestApi.as_view(), name="search-suggest-api"),
]
