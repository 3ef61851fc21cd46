"""Delivery, acceptance (验收), termination and payment of a contracted request."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.schema import error_responses
from procurement.models import ContractPayment, Delivery
from procurement.selectors import (
    deliveries_of_request,
    payment_get_for_viewer,
    request_get_for_viewer,
)
from procurement.services.delivery import acceptance_record, delivery_record, request_terminate
from procurement.services.payments import payment_approve, payment_record


class DeliveryOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = ["id", "request", "quantity", "delivered_on", "note", "status", "experts",
                  "reasons", "failure_action", "serial_numbers", "decided_at"]


class DeliveryInputSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
    delivered_on = serializers.DateField()
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class AcceptanceInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["pass", "fail"])
    experts = serializers.ListField(child=serializers.CharField(max_length=100),
                                    max_length=25)
    reasons = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    failure_action = serializers.ChoiceField(choices=Delivery.FailureAction.choices,
                                             required=False, allow_blank=True)
    serial_numbers = serializers.ListField(child=serializers.CharField(max_length=100),
                                           max_length=500, required=False)


class TerminateInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class PaymentInputSerializer(serializers.Serializer):
    transfer_reference = serializers.CharField(max_length=100)
    document = serializers.FileField()


class PaymentOutputSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(source="amount_value", max_digits=20, decimal_places=4)
    status = serializers.CharField(source="transfer.attempt.status")
    transfer_reference = serializers.CharField(source="transfer.transfer_reference")
    transfer_id = serializers.IntegerField(source="transfer.pk")

    class Meta:
        model = ContractPayment
        fields = ["id", "request", "budget_line", "amount", "currency", "status",
                  "transfer_reference", "transfer_id", "created_at"]


class DeliveryListApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(responses={200: DeliveryOutputSerializer(many=True),
                              **error_responses(403, 404)},
                   summary="Deliveries of a request and their acceptance")
    def get(self, request, pk: int):
        purchase = request_get_for_viewer(user=request.user, pk=pk)
        rows = deliveries_of_request(user=request.user, request=purchase)
        return Response(DeliveryOutputSerializer(rows, many=True).data)

    @extend_schema(request=DeliveryInputSerializer, summary="The supplier records a delivery",
                   responses={201: DeliveryOutputSerializer,
                              **error_responses(400, 403, 404, 409)})
    def post(self, request, pk: int):
        purchase = request_get_for_viewer(user=request.user, pk=pk)
        data = DeliveryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        delivery = delivery_record(actor=request.user, request=purchase, **data.validated_data)
        return Response(DeliveryOutputSerializer(delivery).data, status=status.HTTP_201_CREATED)


class AcceptanceApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]  # lists of names and serial numbers

    @extend_schema(request=AcceptanceInputSerializer,
                   summary="The buyer records the acceptance (验收) with its experts",
                   responses={200: DeliveryOutputSerializer,
                              **error_responses(400, 403, 404, 409)})
    def post(self, request, pk: int):
        purchase = request_get_for_viewer(user=request.user, pk=pk)
        data = AcceptanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        delivery = acceptance_record(actor=request.user, request=purchase,
                                     **data.validated_data)
        return Response(DeliveryOutputSerializer(delivery).data)


class TerminateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=TerminateInputSerializer,
                   summary="Terminate a contract waiting for rectification",
                   responses={200: DeliveryOutputSerializer(many=True),
                              **error_responses(400, 403, 404, 409)})
    def post(self, request, pk: int):
        purchase = request_get_for_viewer(user=request.user, pk=pk)
        data = TerminateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        request_terminate(actor=request.user, request=purchase, **data.validated_data)
        rows = deliveries_of_request(user=request.user, request=purchase)
        return Response(DeliveryOutputSerializer(rows, many=True).data)


class PaymentRecordApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": PaymentInputSerializer},
                   summary="Record the treasury transfer paying the contract",
                   responses={201: PaymentOutputSerializer,
                              **error_responses(400, 403, 404, 409)})
    def post(self, request, pk: int):
        purchase = request_get_for_viewer(user=request.user, pk=pk)
        data = PaymentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = payment_record(actor=request.user, request=purchase, **data.validated_data)
        payment = payment_get_for_viewer(user=request.user, pk=payment.pk)
        return Response(PaymentOutputSerializer(payment).data, status=status.HTTP_201_CREATED)


class PaymentApproveApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None,
                   summary="An approver of the agency confirms the payment (MFA)",
                   responses={200: PaymentOutputSerializer,
                              **error_responses(400, 403, 404, 409)})
    def post(self, request, pk: int):
        payment = payment_get_for_viewer(user=request.user, pk=pk)
        payment_approve(actor=request.user, payment=payment)
        payment = payment_get_for_viewer(user=request.user, pk=pk)
        return Response(PaymentOutputSerializer(payment).data)
