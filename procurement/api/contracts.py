"""Contracts API: generate from an agreed request, sign (each side), cancel, read."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.schema import error_responses
from procurement.models import Contract
from procurement.selectors import contract_get_for_viewer, request_get_for_viewer
from procurement.services.contracts import contract_cancel, contract_generate, contract_sign


class ContractOutputSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(source="amount_value", max_digits=20, decimal_places=4)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = ["id", "number", "request", "status", "amount", "currency", "terms",
                  "buyer_signatory", "buyer_signed_at", "supplier_signatory",
                  "supplier_signed_at", "pdf_url", "created_at"]

    def get_pdf_url(self, obj) -> str:
        """The private PDF: the parties and staff download it from this page address."""
        return reverse("procurement:contract-pdf", args=[obj.pk])


class ContractReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


def _out(request, pk, status=200):
    contract = contract_get_for_viewer(user=request.user, pk=pk)
    return Response(ContractOutputSerializer(contract).data, status=status)


class ContractDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ContractOutputSerializer, **error_responses(403, 404)})
    def get(self, request, pk: int):
        return _out(request, pk)


class ContractGenerateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, summary="Generate the contract of an agreed request",
                   responses={201: ContractOutputSerializer,
                              **error_responses(400, 403, 404, 409)})
    def post(self, request, pk: int):
        purchase = request_get_for_viewer(user=request.user, pk=pk)
        contract = contract_generate(actor=request.user, request=purchase)
        return _out(request, contract.pk, status=201)


class ContractSignApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, summary="Sign the contract for your side (MFA required)",
                   responses={200: ContractOutputSerializer,
                              **error_responses(400, 403, 404, 409)})
    def post(self, request, pk: int):
        contract = contract_get_for_viewer(user=request.user, pk=pk)
        contract_sign(actor=request.user, contract=contract)
        return _out(request, pk)


class ContractCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ContractReasonInputSerializer, summary="Cancel an unsigned contract",
                   responses={200: ContractOutputSerializer,
                              **error_responses(400, 403, 404, 409)})
    def post(self, request, pk: int):
        contract = contract_get_for_viewer(user=request.user, pk=pk)
        data = ContractReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contract_cancel(actor=request.user, contract=contract, **data.validated_data)
        return _out(request, pk)
