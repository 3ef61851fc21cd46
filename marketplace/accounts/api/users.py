from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.accounts.rules import requires_mfa
from marketplace.accounts.selectors import user_has_mfa
from marketplace.accounts.services.users import PROFILE_FIELDS, user_update_profile


class MeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    phone = serializers.CharField()
    preferred_language = serializers.CharField()
    verification_status = serializers.CharField()
    verified_name = serializers.CharField()
    is_panel_expert = serializers.BooleanField()
    is_staff = serializers.BooleanField()
    mfa_enabled = serializers.SerializerMethodField()
    mfa_required = serializers.SerializerMethodField()

    def get_mfa_enabled(self, user) -> bool:
        return user_has_mfa(user)

    def get_mfa_required(self, user) -> bool:
        return requires_mfa(user)


class MeApi(APIView):
    """The logged-in person: read, or change display name, phone and language."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        display_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
        phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
        preferred_language = serializers.CharField(max_length=10, required=False)

    @extend_schema(responses=MeOutputSerializer)
    def get(self, request):
        return Response(MeOutputSerializer(request.user).data)

    @extend_schema(request=InputSerializer, responses=MeOutputSerializer)
    def patch(self, request):
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = {k: v for k, v in serializer.validated_data.items() if k in PROFILE_FIELDS}
        user = user_update_profile(user=request.user, **values)
        return Response(MeOutputSerializer(user).data)
