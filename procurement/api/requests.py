"""Procurement API: one thin view per use case."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.schema import error_responses
from procurement.models import PurchaseRequest
from procurement.selectors import listed_products_in_category, request_get_for_viewer
from procurement.services.requests import (
    request_agree_price,
    request_approve,
    request_cancel,
    request_publish,
    request_supplier_accept,
    request_supplier_decline,
)


class ListedProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    supplier = serializers.CharField(source="organisation.name")


class RequestOutputSerializer(serializers.ModelSerializer):
    ceiling = serializers.DecimalField(source="ceiling_amount", max_digits=20, decimal_places=4)
    agreed_price = serializers.DecimalField(source="agreed_amount", max_digits=20,
                                            decimal_places=4, allow_null=True)
    listed_products = serializers.SerializerMethodField()

    class Meta:
        model = PurchaseRequest
        fields = ["id", "ocid", "kind", "status", "title", "agency", "budget_line", "product",
                  "category", "supplier", "quantity", "ceiling", "currency", "agreed_price",
                  "delivery_place", "delivery_date", "acceptance_criteria", "paid_at",
                  "listed_products"]

    @extend_schema(responses=ListedProductSerializer(many=True))
    def get_listed_products(self, obj) -> list[dict]:
        """For an ordinary request: the listed innovative products of its category."""
        if obj.kind != PurchaseRequest.Kind.ORDINARY:
            return []
        return ListedProductSerializer(listed_products_in_category(obj.category), many=True).data


class RequestReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class PriceInputSerializer(serializers.Serializer):
    price = serializers.CharField(max_length=30)
    cost_reference = serializers.CharField(max_length=5000)


def _out(request, pk):
    return Response(RequestOutputSerializer(request_get_for_viewer(user=request.user, pk=pk)).data)


class RequestDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: RequestOutputSerializer, **error_responses(403, 404)})
    def get(self, request, pk: int):
        return _out(request, pk)


def _action(service, input_serializer=None, summary=""):
    class ActionApi(APIView):
        permission_classes = [IsAuthenticated]

        @extend_schema(request=input_serializer, summary=summary,
                       responses={200: RequestOutputSerializer,
                                  **error_responses(400, 403, 404, 409)})
        def post(self, request, pk: int):
            purchase = request_get_for_viewer(user=request.user, pk=pk)
            values = {}
            if input_serializer is not None:
                data = input_serializer(data=request.data)
                data.is_valid(raise_exception=True)
                values = data.validated_data
            service(actor=request.user, request=purchase, **values)
            return _out(request, pk)

    ActionApi.__name__ = ActionApi.__qualname__ = f"{service.__name__.title().replace('_', '')}Api"
    return ActionApi


RequestApproveApi = _action(request_approve, summary="Approve a first-purchase request")
RequestPublishApi = _action(request_publish, summary="Publish the request's notice")
RequestAcceptApi = _action(request_supplier_accept, summary="Supplier accepts")
RequestDeclineApi = _action(request_supplier_decline, RequestReasonInputSerializer, "Supplier declines")
RequestAgreePriceApi = _action(request_agree_price, PriceInputSerializer, "Record agreed price")
RequestCancelApi = _action(request_cancel, RequestReasonInputSerializer, "Cancel the request")
