"""``/api/search/`` and ``/api/search/suggest/``: thin views over the search service."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from search.backends.base import SearchUnavailable
from search.params import SearchParamsSerializer, params_from_querydict
from search.serializers import (
    SearchResultSerializer,
    SuggestParamsSerializer,
    SuggestResultSerializer,
)
from search.service import search, suggest


def unavailable_response() -> Response:
    return Response(
        {"detail": _("Search is unavailable at the moment. Please try again shortly."),
         "code": "search_unavailable"},
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
    )


ERROR_RESPONSES = {
    400: OpenApiResponse(description="Invalid parameters: `detail`, `code`, `errors`."),
    503: OpenApiResponse(description="The search backend is unavailable."),
}


class SearchApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="search",
        summary="Search products, makerspaces, campaigns and procurement notices",
        description=(
            "Full text in Chinese and English with typo tolerance, facet counts "
            "(disjunctive: a facet's counts ignore its own filter), filters, sorting, "
            "highlights and pagination: `page` up to 10,000 results, then `cursor` "
            "(the previous result's `next_cursor`, with the same parameters). "
            "Repeat a filter parameter to accept several values."
        ),
        parameters=[SearchParamsSerializer],
        responses={200: SearchResultSerializer, **ERROR_RESPONSES},
        tags=["search"],
    )
    def get(self, request):
        serializer = SearchParamsSerializer(data=params_from_querydict(request.query_params))
        serializer.is_valid(raise_exception=True)
        query = serializer.to_query(get_language())
        try:
            result = search(query)
        except SearchUnavailable:
            return unavailable_response()
        return Response(SearchResultSerializer(result).data)


class SuggestApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="search_suggest",
        summary="Title suggestions while typing",
        parameters=[SuggestParamsSerializer],
        responses={200: SuggestResultSerializer, **ERROR_RESPONSES},
        tags=["search"],
    )
    def get(self, request):
        serializer = SuggestParamsSerializer(data=params_from_querydict(request.query_params))
        serializer.is_valid(raise_exception=True)
        try:
            suggestions = suggest(
                serializer.validated_data["q"], language=get_language(),
                doc_types=tuple(serializer.validated_data.get("type") or ()),
                limit=serializer.validated_data["limit"],
            )
        except SearchUnavailable:
            return unavailable_response()
        return Response(SuggestResultSerializer({"suggestions": suggestions}).data)
