"""Maker and staff API of campaigns: create and edit a draft, its tiers, the fee preview,
submit; staff review (approve, request changes with a reason); cancel."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from crowdfunding.api.common import errors
from crowdfunding.api.serializers import (
    CampaignCreateInputSerializer,
    CampaignListOutputSerializer,
    CampaignOutputSerializer,
    CampaignReasonInputSerializer,
    CampaignUpdateInputSerializer,
    FeeReceiptSerializer,
    TierInputSerializer,
    TierOutputSerializer,
    TierUpdateInputSerializer,
    fee_receipt_json,
)
from crowdfunding.errors import CrowdfundingValidationError
from crowdfunding.models import Tier
from crowdfunding.rules import CrowdfundingPerm
from crowdfunding.selectors import campaign_get_for_viewer, campaign_review_queue
from crowdfunding.services import campaigns as services
from crowdfunding.services.tiers import tier_create, tier_delete, tier_update
from marketplace.accounts.selectors import organisation_get
from marketplace.core.api import Pagination
from marketplace.core.errors import NotFoundError
from marketplace.core.parsers import SafeJSONParser
from marketplace.core.permissions import require_perm


def _campaign(request, pk: int) -> dict:
    return CampaignOutputSerializer(campaign_get_for_viewer(user=request.user, pk=pk)).data


def campaign_create_response(request):
    """POST /api/crowdfunding/campaigns/ (the list view's POST)."""
    serializer = CampaignCreateInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    try:
        organisation = organisation_get(data.pop("organisation"))
    except NotFoundError as exc:
        raise CrowdfundingValidationError(exc.message, code="unknown_organisation",
                                          data={"field": "organisation"}) from exc
    campaign = services.campaign_create(actor=request.user, organisation=organisation, **data)
    return Response(_campaign(request, campaign.pk), status=status.HTTP_201_CREATED)


def campaign_update_response(request, pk: int):
    """PATCH /api/crowdfunding/campaigns/{id}/ (the detail view's PATCH)."""
    campaign = campaign_get_for_viewer(user=request.user, pk=pk)
    serializer = CampaignUpdateInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    services.campaign_update(actor=request.user, campaign=campaign, **serializer.validated_data)
    return Response(_campaign(request, pk))


class CampaignFeesApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [SafeJSONParser]

    @extend_schema(responses={200: FeeReceiptSerializer(many=True), **errors(403, 404)},
                   summary="What you receive at 100 % and 150 % of the goal, after fees")
    def get(self, request, pk: int):
        campaign = campaign_get_for_viewer(user=request.user, pk=pk)
        require_perm(request.user, CrowdfundingPerm.CHANGE_CAMPAIGN, campaign)
        return Response([fee_receipt_json(services.fee_receipt(campaign, p)) for p in (100, 150)])


def _action(name: str, service, *, with_reason: str | None = None, summary: str = ""):
    """One thin POST view per lifecycle move."""

    class _Api(APIView):
        permission_classes = [IsAuthenticated]
        parser_classes = [SafeJSONParser]

        @extend_schema(request=CampaignReasonInputSerializer if with_reason else None,
                       responses={200: CampaignOutputSerializer, **errors(400, 403, 404, 409)},
                       summary=summary)
        def post(self, request, pk: int):
            campaign = campaign_get_for_viewer(user=request.user, pk=pk)
            kwargs = {}
            if with_reason:
                serializer = CampaignReasonInputSerializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                kwargs["reason"] = serializer.validated_data.get("reason", "")
            service(actor=request.user, campaign=campaign, **kwargs)
            return Response(_campaign(request, pk))

    _Api.__name__ = _Api.__qualname__ = f"Campaign{name}Api"
    return _Api


CampaignSubmitApi = _action("Submit", services.campaign_submit,
                            summary="Send your draft to staff for review")
CampaignReviseApi = _action("Revise", services.campaign_revise,
                            summary="Take a campaign back into a draft after changes were asked")
CampaignApproveApi = _action("Approve", services.campaign_approve, with_reason="optional",
                             summary="Staff: approve a submitted campaign")
CampaignRequestChangesApi = _action("RequestChanges", services.campaign_request_changes,
                                    with_reason="required",
                                    summary="Staff: ask the maker for changes (with the reason)")
CampaignCancelApi = _action("Cancel", services.campaign_cancel, with_reason="required",
                            summary="Withdraw (maker) or stop (staff) a campaign; pledges are "
                                    "released and flexible charges refunded")


class CampaignReviewQueueApi(generics.ListAPIView):
    """Staff: submitted campaigns, oldest first."""

    serializer_class = CampaignListOutputSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [SafeJSONParser]
    pagination_class = Pagination
    filter_backends: list = []

    def get_queryset(self):
        require_perm(self.request.user, CrowdfundingPerm.REVIEW_CAMPAIGN, None)
        return campaign_review_queue().prefetch_related("products")


class TierCreateApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [SafeJSONParser]

    @extend_schema(request=TierInputSerializer,
                   responses={201: TierOutputSerializer, **errors(400, 403, 404)},
                   summary="Add a reward tier (or a pledge without reward)")
    def post(self, request, pk: int):
        campaign = campaign_get_for_viewer(user=request.user, pk=pk)
        serializer = TierInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tier = tier_create(actor=request.user, campaign=campaign, **serializer.validated_data)
        return Response(TierOutputSerializer(tier).data, status=status.HTTP_201_CREATED)


def _tier(request, pk: int) -> Tier:
    tier = Tier.objects.select_related("campaign").filter(pk=pk).first()
    if tier is None:
        raise NotFoundError()
    campaign_get_for_viewer(user=request.user, pk=tier.campaign_id)  # 404 when not visible
    return tier


class TierDetailApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [SafeJSONParser]

    @extend_schema(request=TierUpdateInputSerializer,
                   responses={200: TierOutputSerializer, **errors(400, 403, 404, 409)},
                   summary="Change a tier (never against its backers)")
    def patch(self, request, pk: int):
        tier = _tier(request, pk)
        serializer = TierUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        tier_update(actor=request.user, tier=tier, **serializer.validated_data)
        return Response(TierOutputSerializer(tier).data)

    @extend_schema(request=None, responses={204: None, **errors(403, 404, 409)},
                   summary="Delete a tier that never had backers")
    def delete(self, request, pk: int):
        tier_delete(actor=request.user, tier=_tier(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
