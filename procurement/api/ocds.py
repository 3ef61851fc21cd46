"""OCDS 1.1 publication: a release package per procedure, and its record with the
compiled release. Public (releases hold only what was published)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.schema import error_responses
from procurement.errors import ProcurementValidationError
from procurement.ocds import record_package, release_package
from procurement.selectors import releases_of_procedure


class OcidQuerySerializer(serializers.Serializer):
    ocid = serializers.CharField(min_length=1, help_text="The procedure's Open Contracting ID")


def _clean_ocid(value) -> str:
    """Any non-empty text: an ocid no procedure has (too long, spaces, ...) is a 404."""
    ocid = value or ""
    if not ocid:
        raise ProcurementValidationError(_("Give the procedure's ocid."), code="bad_ocid",
                                         data={"field": "ocid"})
    return ocid


class OcdsReleasePackageApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OcidQuerySerializer],
        responses={200: OpenApiTypes.OBJECT, **error_responses(400, 404)},
        summary="OCDS 1.1 release package of one procedure",
    )
    def get(self, request):
        ocid = _clean_ocid(request.query_params.get("ocid"))
        releases = releases_of_procedure(ocid=ocid)
        return Response(release_package(releases, uri=request.build_absolute_uri(),
                                        published=timezone.now()))


class OcdsRecordPackageApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT, **error_responses(400, 404)},
                   summary="OCDS 1.1 record (releases and compiled release) of one procedure")
    def get(self, request, ocid: str):
        ocid = _clean_ocid(ocid)
        releases = releases_of_procedure(ocid=ocid)
        return Response(record_package(ocid, releases, uri=request.build_absolute_uri(),
                                       published=timezone.now()))
