"""Notifications API: a person lists and marks read only their own notifications."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.api import Pagination
from marketplace.notifications import selectors, services
from marketplace.notifications.models import Notification


class NotificationOutputSerializer(serializers.ModelSerializer):
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"]

    def get_is_read(self, note: Notification) -> bool:
        return note.read_at is not None




class NotificationListApi(APIView):
    permission_classes = [IsAuthenticated]

    class FilterSerializer(serializers.Serializer):
        unread = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        parameters=[FilterSerializer],
        responses=inline_serializer(
            "NotificationPage",
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "unread_count": serializers.IntegerField(),
                "results": NotificationOutputSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        notes = selectors.notification_list(
            user=request.user, unread_only=filters.validated_data["unread"]
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(notes, request, view=self)
        response = paginator.get_paginated_response(
            NotificationOutputSerializer(page, many=True).data
        )
        response.data["unread_count"] = selectors.notification_unread_count(user=request.user)
        return response


class NotificationMarkReadApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1),
            required=False,
            max_length=services.MARK_READ_LIMIT,
        )
        all = serializers.BooleanField(required=False, default=False)

        def validate(self, attrs):
            if not attrs.get("all") and not attrs.get("ids"):
                raise serializers.ValidationError(
                    _("Give the ids of the notifications to mark read, or all = true.")
                )
            return attrs

    class OutputSerializer(serializers.Serializer):
        marked = serializers.IntegerField()
        unread_count = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = services.notification_mark_read(
            user=request.user,
            notification_ids=None if data.validated_data["all"] else data.validated_data["ids"],
        )
        unread = selectors.notification_unread_count(user=request.user)
        return Response(self.OutputSerializer({"marked": marked, "unread_count": unread}).data)
