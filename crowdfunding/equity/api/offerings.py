"""Equity offering and commitment API: one thin view per use case. The rules live in the
services and selectors (visibility included: an offering the viewer may not see is a
404, as if it did not exist)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from crowdfunding.equity.models import (
    Allocation,
    Holding,
    Instrument,
    Offering,
    Vehicle,
)
from crowdfunding.equity.selectors import offering_get_for_viewer, offerings_list_for_viewer
from crowdfunding.equity.services import offerings as services
from marketplace.accounts.models import Organisation
from marketplace.core.api import Pagination
from marketplace.core.errors import NotFoundError
from marketplace.core.parsers import SafeJSONParser
from marketplace.core.schema import error_responses

AMOUNT = {"max_digits": 20, "decimal_places": 4}


class OfferingOutputSerializer(serializers.ModelSerializer):
    issuer = serializers.IntegerField(source="organisation_id")
    public = serializers.BooleanField(source="is_public")
    price_per_share = serializers.DecimalField(source="price_per_share_amount", allow_null=True,
                                               **AMOUNT)
    valuation_cap = serializers.DecimalField(source="valuation_cap_amount", allow_null=True,
                                             **AMOUNT)
    pre_money_valuation = serializers.DecimalField(source="pre_money_valuation_amount",
                                                   **AMOUNT)
    target = serializers.DecimalField(source="target_amount", **AMOUNT)
    maximum = serializers.DecimalField(source="maximum_amount", **AMOUNT)
    min_ticket = serializers.DecimalField(source="min_ticket_amount", **AMOUNT)
    max_ticket = serializers.DecimalField(source="max_ticket_amount", **AMOUNT)

    class Meta:
        model = Offering
        fields = ["id", "issuer", "status", "rule_pack", "title", "summary", "instrument",
                  "currency", "price_per_share", "valuation_cap", "discount_percent",
                  "pre_money_valuation", "target", "maximum", "min_ticket", "max_ticket",
                  "allocation", "holding", "vehicle", "public", "lead_investor",
                  "starts_at", "deadline", "launched_at", "closed_at"]


class OfferingInputSerializer(serializers.Serializer):
    """Amounts are strings in the offering's currency (never floats)."""

    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True)
    instrument = serializers.ChoiceField(Instrument.choices)
    currency = serializers.CharField(max_length=3, required=False)
    price_per_share = serializers.CharField(max_length=30, required=False, allow_null=True)
    valuation_cap = serializers.CharField(max_length=30, required=False, allow_null=True)
    discount_percent = serializers.CharField(max_length=10, required=False, allow_null=True)
    pre_money_valuation = serializers.CharField(max_length=30)
    target = serializers.CharField(max_length=30)
    maximum = serializers.CharField(max_length=30)
    min_ticket = serializers.CharField(max_length=30)
    max_ticket = serializers.CharField(max_length=30)
    allocation = serializers.ChoiceField(Allocation.choices)
    holding = serializers.ChoiceField(Holding.choices)
    vehicle = serializers.ChoiceField(Vehicle.choices)
    public = serializers.BooleanField(required=False, default=True)
    lead_investor = serializers.IntegerField(required=False, allow_null=True)
    starts_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField()


class OfferingCreateInputSerializer(OfferingInputSerializer):
    issuer = serializers.IntegerField()


class OfferingUpdateInputSerializer(OfferingInputSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class OfferingReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class OfferingApproveInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


def _valid(serializer_class, request, **kwargs) -> dict:
    data = serializer_class(data=request.data, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class OfferingListApi(generics.ListAPIView):
    """Offerings the viewer may see; POST drafts one for your verified maker company."""

    serializer_class = OfferingOutputSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    parser_classes = [SafeJSONParser]
    pagination_class = Pagination
    filter_backends: list = []

    def get_queryset(self):
        return offerings_list_for_viewer(viewer=self.request.user).order_by("-created_at", "-pk")

    @extend_schema(request=OfferingCreateInputSerializer,
                   responses={201: OfferingOutputSerializer, **error_responses(400, 403, 404)},
                   summary="Draft an equity offering")
    def post(self, request):
        values = _valid(OfferingCreateInputSerializer, request)
        organisation = Organisation.objects.filter(pk=values.pop("issuer")).first()
        if organisation is None:
            raise NotFoundError()
        offering = services.offering_create(actor=request.user, organisation=organisation,
                                            **values)
        return Response(OfferingOutputSerializer(offering).data, status=201)


class OfferingDetailApi(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    parser_classes = [SafeJSONParser]

    @extend_schema(responses={200: OfferingOutputSerializer, **error_responses(404)},
                   summary="An equity offering")
    def get(self, request, pk: int):
        offering = offering_get_for_viewer(viewer=request.user, offering_id=pk)
        return Response(OfferingOutputSerializer(offering).data)

    @extend_schema(request=OfferingUpdateInputSerializer,
                   responses={200: OfferingOutputSerializer,
                              **error_responses(400, 403, 404, 409)},
                   summary="Edit your draft offering")
    def patch(self, request, pk: int):
        offering = offering_get_for_viewer(viewer=request.user, offering_id=pk)
        values = _valid(OfferingUpdateInputSerializer, request, partial=True)
        services.offering_update(actor=request.user, offering=offering, **values)
        return Response(OfferingOutputSerializer(offering).data)


def _action(service, input_serializer=None, summary=""):
    class ActionApi(APIView):
        permission_classes = [IsAuthenticated]
        parser_classes = [SafeJSONParser]

        @extend_schema(request=input_serializer, summary=summary,
                       responses={200: OfferingOutputSerializer,
                                  **error_responses(400, 403, 404, 409)})
        def post(self, request, pk: int):
            offering = offering_get_for_viewer(viewer=request.user, offering_id=pk)
            values = _valid(input_serializer, request) if input_serializer else {}
            service(actor=request.user, offering=offering, **values)
            return Response(OfferingOutputSerializer(offering).data)

    name = "".join(part.title() for part in service.__name__.split("_"))
    ActionApi.__name__ = ActionApi.__qualname__ = f"{name}Api"
    return ActionApi


OfferingSubmitApi = _action(services.offering_submit, summary="Submit for staff review")
OfferingRequestChangesApi = _action(services.offering_request_changes, OfferingReasonInputSerializer,
                                    "Staff ask for changes")
OfferingReviseApi = _action(services.offering_revise, summary="Take back into a draft")
OfferingApproveApi = _action(services.offering_approve, OfferingApproveInputSerializer,
                             "Staff approve")
OfferingCancelApi = _action(services.offering_cancel, OfferingReasonInputSerializer,
                            "Cancel the offering")
