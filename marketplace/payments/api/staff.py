"""Staff API: payments, refunds, payouts awaiting approval, reconciliation differences,
ledger accounts and their lines."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.permissions import require_perm
from marketplace.payments import selectors
from marketplace.payments.api.serializers import (
    PaymentsDifferenceOutputSerializer,
    PaymentsLedgerAccountOutputSerializer,
    PaymentsLedgerLineOutputSerializer,
    PaymentsOptionalReasonInputSerializer,
    PaymentsPagination,
    PaymentsPayoutOutputSerializer,
    PaymentsRefundInputSerializer,
    PaymentsRefundOutputSerializer,
    errors,
)
from marketplace.payments.errors import PaymentsValidationError
from marketplace.payments.models import Payout
from marketplace.payments.rules import PaymentsPerm
from marketplace.payments.services.payouts import payout_approve, payout_cancel
from marketplace.payments.services.refunds import refund_request


class _StaffList(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PaymentsPagination
    filter_backends: list = []


class RefundCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=PaymentsRefundInputSerializer,
                   responses={201: PaymentsRefundOutputSerializer, **errors(400, 403, 404, 409)},
                   summary="Refund a payment, fully or partly (staff)")
    def post(self, request, pk: int):
        attempt = selectors.attempt_get_for_viewer(user=request.user, pk=pk)
        require_perm(request.user, PaymentsPerm.REQUEST_REFUND, attempt)
        serializer = PaymentsRefundInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        amount = serializer.validated_data.get("amount") or None
        refund = refund_request(attempt=attempt, amount=amount, actor=request.user,
                                reason=serializer.validated_data.get("reason", ""))
        refund.refresh_from_db()
        return Response(PaymentsRefundOutputSerializer(refund).data,
                        status=status.HTTP_201_CREATED)


class RefundListApi(_StaffList):
    serializer_class = PaymentsRefundOutputSerializer

    def get_queryset(self):
        return selectors.refunds_for_staff(self.request.user)


@extend_schema(parameters=[OpenApiParameter("status", OpenApiTypes.STR,
                                            enum=Payout.Status.values)])
class PayoutListApi(_StaffList):
    """Payouts (``?status=pending``: those awaiting approval)."""

    serializer_class = PaymentsPayoutOutputSerializer

    def get_queryset(self):
        wanted = self.request.query_params.get("status") or None
        if wanted and wanted not in Payout.Status.values:
            raise PaymentsValidationError(_("Unknown status: %(value)s.") % {"value": wanted})
        return selectors.payouts_for_staff(self.request.user, status=wanted)


class PayoutApproveApi(APIView):
    """Approve a payout (staff, not the one who requested it); the transfer follows."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: PaymentsPayoutOutputSerializer,
                                            **errors(403, 404, 409)})
    def post(self, request, pk: int):
        payout = selectors.payout_get_for_staff(user=request.user, pk=pk)
        payout_approve(actor=request.user, payout=payout)
        return Response(PaymentsPayoutOutputSerializer(
            selectors.payout_get_for_staff(user=request.user, pk=pk)).data)


class PayoutCancelApi(APIView):
    """Cancel a payout that was never sent (staff); its money goes back to the escrow."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=PaymentsOptionalReasonInputSerializer,
                   responses={200: PaymentsPayoutOutputSerializer,
                              **errors(400, 403, 404, 409)})
    def post(self, request, pk: int):
        payout = selectors.payout_get_for_staff(user=request.user, pk=pk)
        serializer = PaymentsOptionalReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payout_cancel(actor=request.user, payout=payout,
                      reason=serializer.validated_data.get("reason", ""))
        return Response(PaymentsPayoutOutputSerializer(
            selectors.payout_get_for_staff(user=request.user, pk=pk)).data)


class DifferenceListApi(_StaffList):
    """What the reconciliation found (newest first); nothing here is fixed silently."""

    serializer_class = PaymentsDifferenceOutputSerializer

    def get_queryset(self):
        return selectors.reconciliation_differences(self.request.user)


class LedgerAccountListApi(_StaffList):
    serializer_class = PaymentsLedgerAccountOutputSerializer

    def get_queryset(self):
        return selectors.ledger_accounts(self.request.user)


class LedgerLineListApi(_StaffList):
    serializer_class = PaymentsLedgerLineOutputSerializer

    def get_queryset(self):
        account = selectors.ledger_account_get(user=self.request.user, pk=self.kwargs["pk"])
        return selectors.ledger_lines(account)
