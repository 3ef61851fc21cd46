"""The voucher API for providers and spending: services, orders, delivery, confirmation,
redemption claims (with the private invoice) and their approval."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.api import Pagination
from marketplace.core.errors import NotFoundError
from marketplace.core.files import private_file_response
from marketplace.core.schema import error_responses
from vouchers.api.common import organisation_named
from vouchers.api.serializers import (
    ReimbursementOutputSerializer,
    ServiceOutputSerializer,
    VoucherOrderOutputSerializer,
)
from vouchers.errors import VoucherValidationError
from vouchers.models import VoucherOrder
from vouchers.selectors import (
    order_get_for_viewer,
    order_invoice_for_viewer,
    orders_list_for_viewer,
    programme_for_region,
    reimbursement_get_for_viewer,
    service_get_offered,
    services_offered,
    voucher_get_for_viewer,
)
from vouchers.services.orders import (
    order_confirm,
    order_deliver,
    redemption_approve,
    redemption_claim,
    voucher_order_place,
)
from vouchers.services.providers import service_create
from vouchers.services.reimbursement import (
    reimbursement_approve,
    reimbursement_record,
    reimbursement_reject,
)


class ServiceCreateInputSerializer(serializers.Serializer):
    provider = serializers.CharField(max_length=80)
    category = serializers.CharField(max_length=50)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    price = serializers.CharField(max_length=30)


@extend_schema(parameters=[
    OpenApiParameter("category", OpenApiTypes.STR, description="A category code"),
    OpenApiParameter("provider", OpenApiTypes.STR, description="A provider's slug"),
])
class ServiceListCreateApi(generics.ListAPIView):
    """Services makers may pay with a voucher (of providers staff verified)."""

    serializer_class = ServiceOutputSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        return services_offered(programme=programme_for_region(),
                                category=params.get("category") or None,
                                provider=organisation_named(params.get("provider")))

    @extend_schema(request=ServiceCreateInputSerializer,
                   responses={201: ServiceOutputSerializer, **error_responses(400, 403, 404, 409)},
                   summary="A verified service provider lists a service")
    def post(self, request):
        data = ServiceCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        service = service_create(actor=request.user, programme=programme_for_region(),
                                 provider=organisation_named(values.pop("provider")), **values)
        return Response(ServiceOutputSerializer(service).data, status=status.HTTP_201_CREATED)


class OrderPlaceInputSerializer(serializers.Serializer):
    voucher = serializers.IntegerField()
    service = serializers.IntegerField()
    amount = serializers.CharField(max_length=30, required=False)
    rest_payment = serializers.ChoiceField(
        choices=[VoucherOrder.RestPayment.CARD, VoucherOrder.RestPayment.OUTSIDE],
        required=False,
    )


@extend_schema(parameters=[OpenApiParameter("status", OpenApiTypes.STR,
                                            enum=VoucherOrder.Status.values)])
class OrderListCreateApi(generics.ListAPIView):
    """Orders the viewer may see: their own, their provider's, their makerspace's."""

    serializer_class = VoucherOrderOutputSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    filter_backends: list = []

    def get_queryset(self):
        state = self.request.query_params.get("status") or None
        if state is not None and state not in VoucherOrder.Status.values:
            raise VoucherValidationError(_("Unknown status: %(value)s.") % {"value": state},
                                         code="bad_status", data={"field": "status"})
        return orders_list_for_viewer(user=self.request.user, status=state)

    @extend_schema(request=OrderPlaceInputSerializer,
                   responses={201: VoucherOrderOutputSerializer,
                              **error_responses(400, 403, 404, 409)},
                   summary="Order a service, paying part or all with a voucher")
    def post(self, request):
        data = OrderPlaceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        order = voucher_order_place(
            actor=request.user, voucher=voucher_get_for_viewer(user=request.user,
                                                               pk=values["voucher"]),
            service=service_get_offered(pk=values["service"]), amount=values.get("amount"),
            rest_payment=values.get("rest_payment"),
        )
        return Response(_order(request, order.pk), status=status.HTTP_201_CREATED)


def _order(request, pk: int) -> dict:
    return VoucherOrderOutputSerializer(order_get_for_viewer(user=request.user, pk=pk)).data


class OrderDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: VoucherOrderOutputSerializer, **error_responses(404)})
    def get(self, request, pk: int):
        return Response(_order(request, pk))


def _order_action(service, summary):
    class OrderActionApi(APIView):
        permission_classes = [IsAuthenticated]

        @extend_schema(request=None, summary=summary,
                       responses={200: VoucherOrderOutputSerializer,
                                  **error_responses(403, 404, 409)})
        def post(self, request, pk: int):
            service(actor=request.user, order=order_get_for_viewer(user=request.user, pk=pk))
            return Response(_order(request, pk))

    name = "".join(part.title() for part in service.__name__.split("_"))
    OrderActionApi.__name__ = OrderActionApi.__qualname__ = f"{name}Api"
    return OrderActionApi


OrderDeliverApi = _order_action(order_deliver, "The provider delivered the service")
OrderConfirmApi = _order_action(order_confirm, "The maker confirms the delivery")
RedemptionApproveApi = _order_action(redemption_approve,
                                     "Approve the redemption (the makerspace or staff)")


class RedemptionClaimInputSerializer(serializers.Serializer):
    invoice = serializers.FileField(required=False)
    invoice_number = serializers.CharField(max_length=100)


class RedemptionClaimApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": RedemptionClaimInputSerializer},
                   responses={200: VoucherOrderOutputSerializer,
                              **error_responses(400, 403, 404, 409)},
                   summary="The provider claims the redemption with its invoice")
    def post(self, request, pk: int):
        order = order_get_for_viewer(user=request.user, pk=pk)
        data = RedemptionClaimInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        redemption_claim(actor=request.user, order=order,
                         invoice=data.validated_data.get("invoice"),
                         invoice_number=data.validated_data["invoice_number"])
        return Response(_order(request, pk))


class OrderInvoiceApi(APIView):
    """The private invoice: its provider, the approving makerspace and staff only."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY,
                              **error_responses(404)})
    def get(self, request, pk: int):
        order = order_invoice_for_viewer(user=request.user, pk=pk)
        return private_file_response(order.invoice)


# reimbursement: the treasury payout of an approved redemption ----------------------------


class ReimbursementRecordInputSerializer(serializers.Serializer):
    transfer_reference = serializers.CharField(max_length=100, required=False,
                                               allow_blank=True)
    document = serializers.FileField(required=False)


class ReimbursementRejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


def _open_payout(request, pk: int):
    _order_, payout = reimbursement_get_for_viewer(user=request.user, order_pk=pk)
    if payout is None:
        raise NotFoundError(_("No treasury payout is recorded for this order."))
    return payout


def _reimbursement(request, pk: int) -> dict:
    return ReimbursementOutputSerializer(_open_payout(request, pk)).data


class ReimbursementApi(APIView):
    """The order's reimbursement to its provider, paid by treasury transfer: the programme
    office (staff) or the issuing makerspace records the transfer; someone else of them
    approves it with MFA."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: ReimbursementOutputSerializer, **error_responses(404)},
                   summary="The order's open or paid treasury payout (404 when none)")
    def get(self, request, pk: int):
        return Response(ReimbursementOutputSerializer(_open_payout(request, pk)).data)

    @extend_schema(request={"multipart/form-data": ReimbursementRecordInputSerializer},
                   responses={201: ReimbursementOutputSerializer,
                              **error_responses(400, 403, 404, 409)},
                   summary="Record the treasury transfer reimbursing the provider")
    def post(self, request, pk: int):
        order, _payout = reimbursement_get_for_viewer(user=request.user, order_pk=pk)
        data = ReimbursementRecordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reimbursement_record(actor=request.user, order=order,
                             transfer_reference=data.validated_data.get("transfer_reference", ""),
                             document=data.validated_data.get("document"))
        return Response(_reimbursement(request, pk), status=status.HTTP_201_CREATED)


class ReimbursementApproveApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ReimbursementOutputSerializer,
                                            **error_responses(403, 404, 409)},
                   summary="Approve the treasury payout (MFA, not the recorder)")
    def post(self, request, pk: int):
        reimbursement_approve(actor=request.user, payout=_open_payout(request, pk))
        return Response(_reimbursement(request, pk))


class ReimbursementRejectApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReimbursementRejectInputSerializer,
                   responses={200: ReimbursementOutputSerializer,
                              **error_responses(400, 403, 404, 409)},
                   summary="Reject the treasury payout, with the reason")
    def post(self, request, pk: int):
        payout = _open_payout(request, pk)
        data = ReimbursementRejectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reimbursement_reject(actor=request.user, payout=payout,
                             reason=data.validated_data.get("reason", ""))
        payout.refresh_from_db()
        return Response(ReimbursementOutputSerializer(payout).data)
