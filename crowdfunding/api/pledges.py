"""Pledge API: back a campaign; read, change or cancel your own pledge (anyone else's is
a 404)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from crowdfunding.api.common import errors
from crowdfunding.api.serializers import (
    PledgeCreateInputSerializer,
    PledgeOutputSerializer,
    PledgeUpdateInputSerializer,
)
from crowdfunding.selectors import campaign_get_for_viewer, pledge_get_for_viewer, pledges_of_backer
from crowdfunding.services.pledges import pledge_cancel, pledge_create, pledge_update
from marketplace.core.api import Pagination
from marketplace.core.parsers import SafeJSONParser


def _output(request, pk: int) -> dict:
    return PledgeOutputSerializer(pledge_get_for_viewer(user=request.user, pk=pk)).data


class CampaignPledgeCreateApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [SafeJSONParser]

    @extend_schema(
        request=PledgeCreateInputSerializer,
        responses={201: PledgeOutputSerializer, **errors(400, 402, 403, 404, 409, 503)},
        summary="Back a campaign",
        description="409 when the tier is sold out (code tier_sold_out), the campaign is "
                    "not live, or you already back it; 400 names the rule otherwise.",
    )
    def post(self, request, pk: int):
        campaign = campaign_get_for_viewer(user=request.user, pk=pk)
        serializer = PledgeCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        pledge = pledge_create(
            actor=request.user, campaign=campaign, tier=data["tier"], amount=data["amount"],
            payment_method=data["payment_method"], add_ons=data["add_ons"],
            anonymous=data["anonymous"])
        return Response(_output(request, pledge.pk), status=status.HTTP_201_CREATED)


class PledgeListApi(generics.ListAPIView):
    """Your pledges."""

    serializer_class = PledgeOutputSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [SafeJSONParser]
    pagination_class = Pagination
    filter_backends: list = []

    def get_queryset(self):
        return pledges_of_backer(self.request.user).select_related("attempt")


class PledgeDetailApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [SafeJSONParser]

    @extend_schema(responses={200: PledgeOutputSerializer, **errors(404)})
    def get(self, request, pk: int):
        return Response(_output(request, pk))

    @extend_schema(request=PledgeUpdateInputSerializer,
                   responses={200: PledgeOutputSerializer, **errors(400, 404, 409)},
                   summary="Change the tier, amount or anonymity of your pledge")
    def patch(self, request, pk: int):
        pledge = pledge_get_for_viewer(user=request.user, pk=pk)
        serializer = PledgeUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pledge_update(actor=request.user, pledge=pledge, **serializer.validated_data)
        return Response(_output(request, pk))

    @extend_schema(request=None, responses={200: PledgeOutputSerializer, **errors(404, 409)},
                   summary="Cancel your pledge (the unit goes back; a flexible charge is "
                           "refunded)")
    def delete(self, request, pk: int):
        pledge = pledge_get_for_viewer(user=request.user, pk=pk)
        pledge_cancel(actor=request.user, pledge=pledge)
        return Response(_output(request, pk))
