"""First-set API: units put into use and insurance policies of a product."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.common import errors, organisation_by_slug
from catalog.api.serializers import (
    FirstSetInsuranceInputSerializer,
    FirstSetInsuranceOutputSerializer,
    FirstSetUnitInputSerializer,
    FirstSetUnitOutputSerializer,
)
from catalog.models import FirstSetInsurance, FirstSetUnit
from catalog.selectors import first_set_units_of, product_get
from catalog.services.first_sets import first_set_insurance_record, first_set_unit_record
from marketplace.core.permissions import require_perm


class FirstSetUnitListCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: FirstSetUnitOutputSerializer(many=True), **errors(403, 404)},
                   summary="Units of a first set put into use (maker or staff)")
    def get(self, request, pk: int):
        product = product_get(user=request.user, pk=pk)
        require_perm(request.user, "catalog.view_first_set_records", product)
        return Response(FirstSetUnitOutputSerializer(first_set_units_of(product), many=True).data)

    @extend_schema(request=FirstSetUnitInputSerializer,
                   responses={201: FirstSetUnitOutputSerializer, **errors(400, 403, 404, 409)},
                   summary="Record a unit put into use (maker, buyer or staff)")
    def post(self, request, pk: int):
        product = product_get(user=request.user, pk=pk)
        serializer = FirstSetUnitInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        unit = first_set_unit_record(
            actor=request.user, product=product, buyer=organisation_by_slug(data.pop("buyer")),
            **data,
        )
        unit = FirstSetUnit.objects.select_related("buyer").get(pk=unit.pk)
        return Response(FirstSetUnitOutputSerializer(unit).data, status=status.HTTP_201_CREATED)


class FirstSetInsuranceListCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: FirstSetInsuranceOutputSerializer(many=True), **errors(403, 404)})
    def get(self, request, pk: int):
        product = product_get(user=request.user, pk=pk)
        require_perm(request.user, "catalog.view_first_set_records", product)
        policies = FirstSetInsurance.objects.filter(product=product).order_by("starts_on")
        return Response(FirstSetInsuranceOutputSerializer(policies, many=True).data)

    @extend_schema(request=FirstSetInsuranceInputSerializer,
                   responses={201: FirstSetInsuranceOutputSerializer, **errors(400, 403, 404, 409)},
                   summary="Record an insurance policy (rate <= 3 %, continuous, <= 3 years)")
    def post(self, request, pk: int):
        product = product_get(user=request.user, pk=pk)
        serializer = FirstSetInsuranceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        policy = first_set_insurance_record(
            actor=request.user, product=product, **serializer.validated_data
        )
        return Response(FirstSetInsuranceOutputSerializer(policy).data, status=status.HTTP_201_CREATED)
