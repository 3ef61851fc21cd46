"""Campaign API: the public list and page data (progress and each tier's remaining
units). One thin view per use case; rules live in the services and selectors."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from crowdfunding.api.common import errors
from crowdfunding.api.serializers import CampaignListOutputSerializer, CampaignOutputSerializer
from crowdfunding.selectors import campaign_get_for_viewer, campaigns_visible_to
from marketplace.core.api import Pagination


class CampaignListApi(generics.ListAPIView):
    """Public campaigns (live and ended), and your organisation's drafts when signed in."""

    serializer_class = CampaignListOutputSerializer
    permission_classes = [AllowAny]
    pagination_class = Pagination
    filter_backends: list = []

    def get_queryset(self):
        return (campaigns_visible_to(self.request.user).prefetch_related("products")
                .order_by("-created_at", "-pk"))


class CampaignDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: CampaignOutputSerializer, **errors(404)},
                   summary="A campaign with its progress and tiers")
    def get(self, request, pk: int):
        campaign = campaign_get_for_viewer(user=request.user, pk=pk)
        return Response(CampaignOutputSerializer(campaign).data)
