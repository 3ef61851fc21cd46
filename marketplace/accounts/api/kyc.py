from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.accounts import selectors
from marketplace.accounts.models import KycRequest
from marketplace.accounts.rules import AccountsPerm
from marketplace.accounts.services.kyc import kyc_approve, kyc_reject, kyc_submit
from marketplace.core.api import Pagination
from marketplace.core.permissions import require_perm


class KycDocumentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, document) -> str:
        return reverse("accounts:kyc_document", args=[document.pk])


class KycRequestOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    legal_name = serializers.CharField()
    id_type = serializers.CharField()
    id_number_last4 = serializers.CharField()
    rejection_reason = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    documents = KycDocumentOutputSerializer(many=True)


class StaffKycRequestOutputSerializer(KycRequestOutputSerializer):
    user = serializers.SerializerMethodField()

    def get_user(self, kyc_request) -> dict:
        user = kyc_request.user
        return {"id": user.pk, "email": user.email, "display_name": user.display_name}


class KycListSubmitApi(APIView):
    """My real-name verification requests; submit a new one (multipart, ``documents``
    repeated for several files)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        legal_name = serializers.CharField(max_length=100)
        id_type = serializers.ChoiceField(choices=KycRequest.IdType.choices)
        id_number_last4 = serializers.CharField(max_length=4)
        # The service decides how many and which files are acceptable.
        documents = serializers.ListField(
            child=serializers.FileField(allow_empty_file=True), default=list, allow_empty=True
        )

    @extend_schema(responses=KycRequestOutputSerializer(many=True))
    def get(self, request):
        requests = selectors.kyc_requests_for_user(request.user)
        return Response(KycRequestOutputSerializer(requests, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: KycRequestOutputSerializer})
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kyc_request = kyc_submit(user=request.user, **serializer.validated_data)
        kyc_request = selectors.kyc_request_get(kyc_request.pk)
        return Response(KycRequestOutputSerializer(kyc_request).data, status=status.HTTP_201_CREATED)


class StaffKycQueueApi(APIView):
    """Requests awaiting review, oldest first (staff only)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=StaffKycRequestOutputSerializer(many=True))
    def get(self, request):
        require_perm(request.user, AccountsPerm.REVIEW_KYC)
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.kyc_queue(), request, view=self)
        return paginator.get_paginated_response(
            StaffKycRequestOutputSerializer(page, many=True).data
        )


class StaffKycApproveApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=StaffKycRequestOutputSerializer)
    def post(self, request, pk: int):
        require_perm(request.user, AccountsPerm.REVIEW_KYC)
        kyc_request = kyc_approve(kyc_request=selectors.kyc_request_get(pk), reviewer=request.user)
        return Response(StaffKycRequestOutputSerializer(kyc_request).data)


class StaffKycRejectApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        # Blank is passed on: the service refuses it with its own message.
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=StaffKycRequestOutputSerializer)
    def post(self, request, pk: int):
        require_perm(request.user, AccountsPerm.REVIEW_KYC)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kyc_request = kyc_reject(
            kyc_request=selectors.kyc_request_get(pk), reviewer=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(StaffKycRequestOutputSerializer(kyc_request).data)
