"""Certification API: makers apply, staff review."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.common import errors
from catalog.api.serializers import (
    CertificationApplyInputSerializer,
    CertificationOutputSerializer,
    CertifyInputSerializer,
    ReasonInputSerializer,
)
from catalog.models import Certification
from catalog.rules import CatalogPerm
from catalog.selectors import (
    certification_get_for_viewer,
    certification_review_queue,
    certifications_of_product,
    product_get,
)
from catalog.services.certification import (
    certification_apply,
    certification_certify,
    certification_reject,
    certification_revoke,
    certification_start_review,
)
from catalog.validators import CatalogValidationError
from marketplace.core.api import Pagination
from marketplace.core.permissions import require_perm


def _output(request, pk: int):
    """The certification as it is after a write, read through the same selector."""
    certification = certification_get_for_viewer(user=request.user, pk=pk)
    return CertificationOutputSerializer(certification).data


class ProductCertificationListCreateApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: CertificationOutputSerializer(many=True), **errors(403, 404)})
    def get(self, request, pk: int):
        product = product_get(user=request.user, pk=pk)
        require_perm(request.user, CatalogPerm.APPLY_CERTIFICATION, product)
        return Response(CertificationOutputSerializer(certifications_of_product(product), many=True).data)

    @extend_schema(
        request={"multipart/form-data": CertificationApplyInputSerializer},
        responses={201: CertificationOutputSerializer, **errors(400, 403, 404, 409)},
        summary="Apply for innovation certification",
    )
    def post(self, request, pk: int):
        product = product_get(user=request.user, pk=pk)
        serializer = CertificationApplyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        certification = certification_apply(
            actor=request.user, product=product,
            documents=serializer.validated_data["documents"],
            statement=serializer.validated_data.get("statement", ""),
        )
        return Response(_output(request, certification.pk), status=status.HTTP_201_CREATED)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "status", OpenApiTypes.STR, many=True, enum=Certification.Status.values,
            description="Statuses to list (default: submitted and under review)",
        )
    ]
)
class CertificationQueueApi(generics.ListAPIView):
    """Staff review queue (open applications by default; filter by status)."""

    serializer_class = CertificationOutputSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    filter_backends: list = []

    def get_queryset(self):
        require_perm(self.request.user, CatalogPerm.REVIEW_CERTIFICATION, None)
        statuses = self.request.query_params.getlist("status") or None
        unknown = set(statuses or ()) - set(Certification.Status.values)
        if unknown:
            raise CatalogValidationError(
                _("Unknown status: %(values)s.") % {"values": ", ".join(sorted(unknown))}
            )
        return certification_review_queue(statuses=statuses).prefetch_related("documents")


class CertificationDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: CertificationOutputSerializer, **errors(404)})
    def get(self, request, pk: int):
        return Response(CertificationOutputSerializer(certification_get_for_viewer(user=request.user, pk=pk)).data)


class CertificationReviewApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: CertificationOutputSerializer, **errors(403, 404, 409)},
                   summary="Start reviewing an application (staff)")
    def post(self, request, pk: int):
        certification_start_review(actor=request.user, certification=certification_get_for_viewer(user=request.user, pk=pk))
        return Response(_output(request, pk))


class CertificationCertifyApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=CertifyInputSerializer,
                   responses={200: CertificationOutputSerializer, **errors(400, 403, 404, 409)},
                   summary="Certify (staff)")
    def post(self, request, pk: int):
        certification = certification_get_for_viewer(user=request.user, pk=pk)
        serializer = CertifyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        certification_certify(actor=request.user, certification=certification, **serializer.validated_data)
        return Response(_output(request, pk))


class CertificationDecisionApi(APIView):
    """Reject an application or revoke a certificate (staff; a reason is required). The
    URLconf sets ``decision``; the service refuses a move the current status forbids."""

    permission_classes = [IsAuthenticated]
    decision = ""  # "reject" or "revoke"
    services = {"reject": certification_reject, "revoke": certification_revoke}

    @extend_schema(request=ReasonInputSerializer,
                   responses={200: CertificationOutputSerializer, **errors(400, 403, 404, 409)},
                   summary="Reject or revoke (staff; reason required)")
    def post(self, request, pk: int):
        certification = certification_get_for_viewer(user=request.user, pk=pk)
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.services[self.decision](actor=request.user, certification=certification,
                                     reason=serializer.validated_data["reason"])
        return Response(_output(request, pk))
