"""Treasury transfers: an agency's buyer records one, an approver of the agency decides."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.accounts.selectors import organisation_get
from marketplace.core.errors import NotFoundError
from marketplace.payments import selectors
from marketplace.payments.api.serializers import (
    PaymentsOfflineTransferInputSerializer,
    PaymentsOfflineTransferOutputSerializer,
    PaymentsReasonInputSerializer,
    errors,
)
from marketplace.payments.errors import PaymentsValidationError
from marketplace.payments.services.offline import (
    offline_transfer_approve,
    offline_transfer_record,
    offline_transfer_reject,
)


def _output(request, pk: int) -> dict:
    transfer = selectors.offline_transfer_get(user=request.user, pk=pk)
    transfer.attempt.refunded_value = 0
    return PaymentsOfflineTransferOutputSerializer(transfer).data


class OfflineTransferCreateApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": PaymentsOfflineTransferInputSerializer},
                   responses={201: PaymentsOfflineTransferOutputSerializer,
                              **errors(400, 403, 409)},
                   summary="Record a treasury transfer (a buyer of the paying agency)")
    def post(self, request):
        serializer = PaymentsOfflineTransferInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            agency = organisation_get(data.pop("agency"))
        except NotFoundError as exc:
            raise PaymentsValidationError(_("Unknown agency."), code="unknown_agency",
                                          data={"field": "agency"}) from exc
        transfer = offline_transfer_record(actor=request.user, agency=agency, **data)
        return Response(_output(request, transfer.pk), status=status.HTTP_201_CREATED)


class OfflineTransferDecisionApi(APIView):
    """Approve (MFA, an approver of the agency, not the recorder) or reject."""

    permission_classes = [IsAuthenticated]
    decision = ""

    @extend_schema(request=PaymentsReasonInputSerializer,
                   responses={200: PaymentsOfflineTransferOutputSerializer,
                              **errors(400, 403, 404, 409)})
    def post(self, request, pk: int):
        transfer = selectors.offline_transfer_get(user=request.user, pk=pk)
        if self.decision == "approve":
            offline_transfer_approve(actor=request.user, transfer=transfer)
        else:
            serializer = PaymentsReasonInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            offline_transfer_reject(actor=request.user, transfer=transfer,
                                    reason=serializer.validated_data["reason"])
        return Response(_output(request, pk))
