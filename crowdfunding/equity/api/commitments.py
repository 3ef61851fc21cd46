"""Commitment API: commit to an offering, list your commitments (an issuer's people also
see their offerings' book), cancel or revoke yours. The rules live in the services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from crowdfunding.equity.models import Commitment
from crowdfunding.equity.selectors import (
    commitment_get_for_viewer,
    commitments_list_for_viewer,
    offering_get_for_viewer,
)
from crowdfunding.equity.services.commitments import commitment_cancel, commitment_create
from marketplace.core.api import Pagination
from marketplace.core.parsers import SafeJSONParser
from marketplace.core.schema import error_responses


class CommitmentOutputSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(source="amount_value", max_digits=20, decimal_places=4)

    class Meta:
        model = Commitment
        fields = ["id", "offering", "investor", "status", "amount", "currency", "shares",
                  "warning_consent", "committed_at", "cancellation_ends_at",
                  "reflection_ends_at", "ended_at"]


class CommitmentInputSerializer(serializers.Serializer):
    amount = serializers.CharField(max_length=30)
    warning_consent = serializers.BooleanField(required=False, default=False)


def _valid(request) -> dict:
    data = CommitmentInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class CommitmentListApi(generics.ListAPIView):
    """Your commitments; an issuer's people also see their offerings' book."""

    serializer_class = CommitmentOutputSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    filter_backends: list = []

    def get_queryset(self):
        return commitments_list_for_viewer(viewer=self.request.user).order_by("-pk")


class OfferingCommitApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [SafeJSONParser]

    @extend_schema(request=CommitmentInputSerializer,
                   responses={201: CommitmentOutputSerializer,
                              **error_responses(400, 403, 404, 409)},
                   summary="Commit to an offering")
    def post(self, request, pk: int):
        offering = offering_get_for_viewer(viewer=request.user, offering_id=pk)
        values = _valid(request)
        commitment = commitment_create(
            actor=request.user, offering=offering, **values)
        return Response(CommitmentOutputSerializer(commitment).data, status=201)


class CommitmentCancelApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [SafeJSONParser]

    @extend_schema(request=None, responses={200: CommitmentOutputSerializer,
                                            **error_responses(403, 404, 409)},
                   summary="Cancel or revoke your commitment, as the rule pack allows")
    def post(self, request, pk: int):
        commitment = commitment_get_for_viewer(viewer=request.user, commitment_id=pk)
        commitment_cancel(actor=request.user, commitment=commitment)
        return Response(CommitmentOutputSerializer(commitment).data)
