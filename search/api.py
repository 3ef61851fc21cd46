"""``/api/search/`` and ``/api/search/suggest/``: thin views over the search service.

Errors take the one API shape ``{detail, code}`` from the core's exception handler: bad
parameters (400, with ``errors``), ``InvalidSearch`` (400) and ``SearchOutage`` (503)
are raised by the serializers and the service, never caught here.
"""

from __future__ import annotations

from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from search.params import SearchParamsSerializer, params_from_querydict
from search.serializers import (
    SearchResultSerializer,
    SuggestParamsSerializer,
    SuggestResultSerializer,
)
from search.service import search, suggest

ERROR_RESPONSES = {
    400: OpenApiResponse(description="Invalid parameters: `detail`, `code`, `errors`."),
    503: OpenApiResponse(description="The search backend is unavailable: `detail`, "
                                     "`code` (`search_unavailable`)."),
}


class SearchApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="search",
        summary="Search every registered document type (products, makerspaces, ...)",
        description=(
            "Full text in Chinese and English: a product's full name or model code "
            "(`LS-147`, `LS 147`, `ls147`) ranks it first; when nothing matches every "
            "term, results matching most of them (`partial`); typo tolerance with "
            "`suggestion` (did you mean). Facet counts (disjunctive: a facet's counts "
            "ignore its own filter), filters, sorting, highlights and pagination: `page` "
            "up to 10,000 results, then `cursor` (the previous result's `next_cursor`, "
            "with the same parameters). Repeat a filter parameter to accept several values."
        ),
        parameters=[SearchParamsSerializer],
        responses={200: SearchResultSerializer, **ERROR_RESPONSES},
        tags=["search"],
    )
    def get(self, request):
        serializer = SearchParamsSerializer(data=params_from_querydict(request.query_params))
        serializer.is_valid(raise_exception=True)
        result = search(serializer.to_query(get_language()))
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
        suggestions = suggest(
            serializer.validated_data["q"], language=get_language(),
            doc_types=tuple(serializer.validated_data.get("type") or ()),
            limit=serializer.validated_data["limit"],
        )
        return Response(SuggestResultSerializer({"suggestions": suggestions}).data)
