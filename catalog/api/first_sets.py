"""First-set API: units put into use (claimed by the maker, confirmed by the buyer) and
insurance policies of a product."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.common import errors, organisation_by_slug
from catalog.api.serializers import (
    FirstSetInsuranceInputSerializer,
    FirstSetInsuranceOutputSerializer,
    FirstSetUnitInputSerializer,
    FirstSetUnitOutputSerializer,
    ReasonInputSerializer,
)
from catalog.rules import CatalogPerm
from catalog.selectors import (
    first_set_policies_of,
    first_set_unit_get,
    first_set_units_awaiting,
    first_set_units_for_viewer,
    product_get,
)
from catalog.services.first_sets import (
    first_set_insurance_record,
    first_set_unit_confirm,
    first_set_unit_record,
    first_set_unit_reject,
)
from marketplace.core.api import Pagination
from marketplace.core.permissions import require_perm


def _unit_output(request, pk: int):
    return FirstSetUnitOutputSerializer(first_set_unit_get(user=request.user, pk=pk)).data


class FirstSetUnitListCreateApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        responses={200: FirstSetUnitOutputSerializer(many=True), **errors(403, 404)},
        summary="Units of a first set put into use (maker and staff: all; buyers: their own)",
    )
    def get(self, request, pk: int):
        product = product_get(user=request.user, pk=pk)
        require_perm(request.user, CatalogPerm.VIEW_FIRST_SET_UNITS, product)
        units = first_set_units_for_viewer(user=request.user, product=product)
        return Response(FirstSetUnitOutputSerializer(units, many=True).data)

    @extend_schema(
        request={"multipart/form-data": FirstSetUnitInputSerializer},
        responses={201: FirstSetUnitOutputSerializer, **errors(400, 403, 404, 409)},
        summary="Record a unit put into use, with its purchase document (the maker or the "
                "buyer records; it counts once the other side, or staff, confirms)",
    )
    def post(self, request, pk: int):
        product = product_get(user=request.user, pk=pk)
        serializer = FirstSetUnitInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        unit = first_set_unit_record(
            actor=request.user, product=product, buyer=organisation_by_slug(data.pop("buyer")),
            **data,
        )
        return Response(_unit_output(request, unit.pk), status=status.HTTP_201_CREATED)


class FirstSetUnitAwaitingApi(generics.ListAPIView):
    """Claimed units the signed-in user is asked to confirm (as the buyer, or staff)."""

    serializer_class = FirstSetUnitOutputSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    filter_backends: list = []

    def get_queryset(self):
        return first_set_units_awaiting(self.request.user)


class FirstSetUnitConfirmApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None, responses={200: FirstSetUnitOutputSerializer, **errors(403, 404, 409)},
        summary="Confirm a claimed unit (the side that has not confirmed yet, or staff on the "
                "purchase document); once both sides have, it gets its sequence and counts if "
                "among the buyer's first three",
    )
    def post(self, request, pk: int):
        first_set_unit_confirm(actor=request.user, unit=first_set_unit_get(user=request.user, pk=pk))
        return Response(_unit_output(request, pk))


class FirstSetUnitRejectApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ReasonInputSerializer,
        responses={200: FirstSetUnitOutputSerializer, **errors(400, 403, 404, 409)},
        summary="Reject a claimed unit (reason required; the maker is told)",
    )
    def post(self, request, pk: int):
        unit = first_set_unit_get(user=request.user, pk=pk)
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        first_set_unit_reject(actor=request.user, unit=unit,
                              reason=serializer.validated_data["reason"])
        return Response(_unit_output(request, pk))


class FirstSetInsuranceListCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: FirstSetInsuranceOutputSerializer(many=True), **errors(403, 404)})
    def get(self, request, pk: int):
        product = product_get(user=request.user, pk=pk)
        require_perm(request.user, CatalogPerm.VIEW_FIRST_SET_RECORDS, product)
        policies = first_set_policies_of(product)
        return Response(FirstSetInsuranceOutputSerializer(policies, many=True).data)

    @extend_schema(request=FirstSetInsuranceInputSerializer,
                   responses={201: FirstSetInsuranceOutputSerializer, **errors(400, 403, 404, 409)},
                   summary="Record an insurance policy (premium = insured x rate, rate <= 3 %, "
                           "continuous, <= 3 years)")
    def post(self, request, pk: int):
        product = product_get(user=request.user, pk=pk)
        serializer = FirstSetInsuranceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        policy = first_set_insurance_record(
            actor=request.user, product=product, **serializer.validated_data
        )
        return Response(FirstSetInsuranceOutputSerializer(policy).data, status=status.HTTP_201_CREATED)
