"""Campaign API: the public list and page data (progress and each tier's remaining
units); POST on the list starts a draft, PATCH on a campaign edits it. Rules live in the
services and selectors."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from crowdfunding.api.common import errors
from crowdfunding.api.manage import campaign_create_response, campaign_update_response
from crowdfunding.api.serializers import (
    CampaignCreateInputSerializer,
    CampaignListOutputSerializer,
    CampaignOutputSerializer,
    CampaignUpdateInputSerializer,
)
from crowdfunding.selectors import campaign_get_for_viewer, campaigns_visible_to
from marketplace.core.api import Pagination
from marketplace.core.parsers import SafeJSONParser


class CampaignListApi(generics.ListAPIView):
    """Public campaigns (live and ended), and your organisation's drafts when signed in."""

    serializer_class = CampaignListOutputSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    parser_classes = [SafeJSONParser]
    pagination_class = Pagination
    filter_backends: list = []

    def get_queryset(self):
        return (campaigns_visible_to(self.request.user).prefetch_related("products")
                .order_by("-created_at", "-pk"))

    @extend_schema(request=CampaignCreateInputSerializer,
                   responses={201: CampaignOutputSerializer, **errors(400, 403)},
                   summary="Start a campaign (a draft) for your verified maker organisation")
    def post(self, request):
        return campaign_create_response(request)


class CampaignDetailApi(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    parser_classes = [SafeJSONParser]

    @extend_schema(responses={200: CampaignOutputSerializer, **errors(404)},
                   summary="A campaign with its progress and tiers")
    def get(self, request, pk: int):
        campaign = campaign_get_for_viewer(user=request.user, pk=pk)
        return Response(CampaignOutputSerializer(campaign).data)

    @extend_schema(request=CampaignUpdateInputSerializer,
                   responses={200: CampaignOutputSerializer, **errors(400, 403, 404)},
                   summary="Edit your draft")
    def patch(self, request, pk: int):
        return campaign_update_response(request, pk)
