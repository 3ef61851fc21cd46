"""The voucher API: one thin view per use case, input and output serializers; services
write, selectors read."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.api import Pagination
from marketplace.core.schema import error_responses
from vouchers.api.common import makerspace_named, organisation_named
from vouchers.api.serializers import (
    CapOutputSerializer,
    PilotAdmissionOutputSerializer,
    VoucherApplicationOutputSerializer,
    VoucherOutputSerializer,
)
from vouchers.errors import VoucherValidationError
from vouchers.models import VoucherApplication
from vouchers.selectors import (
    application_get_for_viewer,
    applications_list_for_viewer,
    makerspace_cap_for_viewer,
    my_vouchers,
    pilot_admission_get_for_viewer,
    pilot_admissions_list_for_viewer,
    programme_for_region,
    voucher_get_for_viewer,
)
from vouchers.services.applications import voucher_apply, voucher_issue, voucher_refuse
from vouchers.services.pilot import pilot_admit, pilot_apply, pilot_refuse, pilot_suspend
from vouchers.statistics import statistics_for_viewer


class VoucherReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class PilotApplyInputSerializer(serializers.Serializer):
    makerspace = serializers.CharField(max_length=80)


class PilotListCreateApi(generics.ListAPIView):
    """Pilot admissions (staff: all; a makerspace's people: their own)."""

    serializer_class = PilotAdmissionOutputSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    filter_backends: list = []

    def get_queryset(self):
        return pilot_admissions_list_for_viewer(user=self.request.user).order_by("-pk")

    @extend_schema(request=PilotApplyInputSerializer,
                   responses={201: PilotAdmissionOutputSerializer,
                              **error_responses(400, 403, 404, 409)},
                   summary="A makerspace applies to the voucher pilot")
    def post(self, request):
        data = PilotApplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        admission = pilot_apply(actor=request.user,
                                makerspace=makerspace_named(data.validated_data["makerspace"]),
                                programme=programme_for_region())
        return Response(PilotAdmissionOutputSerializer(admission).data,
                        status=status.HTTP_201_CREATED)


def _pilot_action(service, input_serializer=None, summary=""):
    class PilotActionApi(APIView):
        permission_classes = [IsAuthenticated]

        @extend_schema(request=input_serializer, summary=summary,
                       responses={200: PilotAdmissionOutputSerializer,
                                  **error_responses(400, 403, 404, 409)})
        def post(self, request, pk: int):
            admission = pilot_admission_get_for_viewer(user=request.user, pk=pk)
            values = {}
            if input_serializer is not None:
                data = input_serializer(data=request.data)
                data.is_valid(raise_exception=True)
                values = data.validated_data
            service(actor=request.user, admission=admission, **values)
            admission = pilot_admission_get_for_viewer(user=request.user, pk=pk)
            return Response(PilotAdmissionOutputSerializer(admission).data)

    name = "".join(part.title() for part in service.__name__.split("_"))
    PilotActionApi.__name__ = PilotActionApi.__qualname__ = f"{name}Api"
    return PilotActionApi


PilotAdmitApi = _pilot_action(pilot_admit, summary="Admit a makerspace to the pilot (staff)")
PilotRefuseApi = _pilot_action(pilot_refuse, VoucherReasonInputSerializer,
                               "Refuse a makerspace's pilot application (staff)")
PilotSuspendApi = _pilot_action(pilot_suspend, VoucherReasonInputSerializer,
                                "Suspend a makerspace from the pilot (staff)")


class VoucherApplyInputSerializer(serializers.Serializer):
    makerspace = serializers.CharField(max_length=80)
    organisation = serializers.CharField(max_length=80, required=False, allow_blank=True)
    registered_on = serializers.DateField(required=False, allow_null=True)
    purpose = serializers.CharField(max_length=5000)
    category = serializers.CharField(max_length=50)
    amount = serializers.CharField(max_length=30)


@extend_schema(parameters=[
    OpenApiParameter("makerspace", OpenApiTypes.STR, description="A makerspace's slug"),
    OpenApiParameter("status", OpenApiTypes.STR, enum=VoucherApplication.Status.values),
])
class ApplicationListCreateApi(generics.ListAPIView):
    """Applications the viewer may see: their own, their team's or company's, and (for a
    makerspace's people) those made to their makerspace."""

    serializer_class = VoucherApplicationOutputSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        makerspace = params.get("makerspace")
        state = params.get("status") or None
        if state is not None and state not in VoucherApplication.Status.values:
            raise VoucherValidationError(_("Unknown status: %(value)s.") % {"value": state},
                                         code="bad_status", data={"field": "status"})
        return applications_list_for_viewer(
            user=self.request.user, status=state,
            makerspace=makerspace_named(makerspace) if makerspace else None,
        ).select_related("voucher")

    @extend_schema(request=VoucherApplyInputSerializer,
                   responses={201: VoucherApplicationOutputSerializer,
                              **error_responses(400, 403, 404, 409)},
                   summary="Apply to a makerspace for an innovation voucher")
    def post(self, request):
        data = VoucherApplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        application = voucher_apply(
            actor=request.user, programme=programme_for_region(),
            makerspace=makerspace_named(values["makerspace"]),
            organisation=organisation_named(values.get("organisation")),
            registered_on=values.get("registered_on"), purpose=values["purpose"],
            category=values["category"], amount=values["amount"],
        )
        return Response(_application(request, application.pk), status=status.HTTP_201_CREATED)


def _application(request, pk: int) -> dict:
    return VoucherApplicationOutputSerializer(
        application_get_for_viewer(user=request.user, pk=pk)
    ).data


class ApplicationDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: VoucherApplicationOutputSerializer, **error_responses(404)})
    def get(self, request, pk: int):
        return Response(_application(request, pk))


class IssueInputSerializer(serializers.Serializer):
    amount = serializers.CharField(max_length=30, required=False)
    categories = serializers.ListField(child=serializers.CharField(max_length=50),
                                       required=False, max_length=20)


class ApplicationIssueApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=IssueInputSerializer,
                   responses={201: VoucherOutputSerializer, **error_responses(400, 403, 404, 409)},
                   summary="Issue the voucher applied for (the makerspace)")
    def post(self, request, pk: int):
        application = application_get_for_viewer(user=request.user, pk=pk)
        data = IssueInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        voucher = voucher_issue(actor=request.user, application=application,
                                amount=data.validated_data.get("amount"),
                                categories=data.validated_data.get("categories"))
        return Response(VoucherOutputSerializer(voucher_get_for_viewer(user=request.user,
                                                                       pk=voucher.pk)).data,
                        status=status.HTTP_201_CREATED)


class ApplicationRefuseApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=VoucherReasonInputSerializer,
                   responses={200: VoucherApplicationOutputSerializer,
                              **error_responses(400, 403, 404, 409)},
                   summary="Refuse an application with a reason (the makerspace)")
    def post(self, request, pk: int):
        application = application_get_for_viewer(user=request.user, pk=pk)
        data = VoucherReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        voucher_refuse(actor=request.user, application=application,
                       reason=data.validated_data["reason"])
        return Response(_application(request, pk))


class MyVoucherListApi(generics.ListAPIView):
    """The viewer's vouchers (and their team's or company's), with their balances."""

    serializer_class = VoucherOutputSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    filter_backends: list = []

    def get_queryset(self):
        return my_vouchers(user=self.request.user)


class VoucherDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: VoucherOutputSerializer, **error_responses(404)})
    def get(self, request, pk: int):
        return Response(VoucherOutputSerializer(voucher_get_for_viewer(user=request.user,
                                                                       pk=pk)).data)


class MakerspaceCapApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT,
                                     description="Calendar year (default: this year)")],
        responses={200: CapOutputSerializer, **error_responses(400, 403, 404)},
        summary="The makerspace's annual issuing cap and what it used",
    )
    def get(self, request, slug: str):
        makerspace = makerspace_named(slug)
        year = clean_year(request.query_params.get("year"))
        use = makerspace_cap_for_viewer(user=request.user, makerspace=makerspace, year=year)
        return Response(CapOutputSerializer({
            "makerspace": makerspace.slug, "year": use.year, "currency": use.cap.currency,
            "cap": use.cap.amount, "used": use.used.amount, "remaining": use.remaining.amount,
        }).data)


class StatisticsRowSerializer(serializers.Serializer):
    makerspace = serializers.CharField()
    makerspace_name = serializers.CharField()
    category = serializers.CharField()
    category_name = serializers.CharField()
    currency = serializers.CharField()
    issued = serializers.DecimalField(max_digits=20, decimal_places=4)
    spent = serializers.DecimalField(max_digits=20, decimal_places=4)
    redeemed = serializers.DecimalField(max_digits=20, decimal_places=4)
    lapsed = serializers.DecimalField(max_digits=20, decimal_places=4)


def clean_year(raw) -> int:
    if raw in (None, ""):
        return timezone.localdate().year
    raw = str(raw)
    if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    raise VoucherValidationError(_("Give the year (2000 to 2100)."), code="bad_year",
                                 data={"field": "year"})


class StatisticsApi(APIView):
    """The programme office's statistics per makerspace and category (staff)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT,
                                     description="Calendar year (default: this year)")],
        responses={200: StatisticsRowSerializer(many=True), **error_responses(400, 403, 404)},
        summary="Issued, spent, redeemed and lapsed per makerspace and category (staff)",
    )
    def get(self, request):
        rows = statistics_for_viewer(user=request.user, programme=programme_for_region(),
                                     year=clean_year(request.query_params.get("year")))
        return Response(StatisticsRowSerializer(rows, many=True).data)
