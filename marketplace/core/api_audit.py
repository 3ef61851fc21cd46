"""The public audit API: signed checkpoints, their export, the verifying keys and
inclusion proofs (docs/audit.md). Public on purpose: a checkpoint is a handful of
hashes and counts, and a proof only sibling hashes; nothing of any event's content."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from marketplace.core.api import Pagination
from marketplace.core.audit import selectors
from marketplace.core.audit.keys import ALGORITHM, verifying_keys


class AuditCheckpointSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    tree_size = serializers.IntegerField(help_text="Streams covered (leaves of the tree).")
    event_count = serializers.IntegerField(help_text="Events covered.")
    root_hash = serializers.CharField(help_text="RFC 9162 Merkle tree hash, hex.")
    prev_hash = serializers.CharField(help_text="Hash of the previous checkpoint, hex.")
    hash = serializers.CharField(help_text="SHA-256 of the signed statement, hex.")
    key_id = serializers.CharField()
    signature = serializers.CharField(help_text="Ed25519 over the statement, base64.")


class AuditCheckpointExportSerializer(serializers.Serializer):
    format = serializers.CharField()
    statement = serializers.CharField(help_text="The exact signed text (JSON).")
    signature = serializers.CharField()
    key_id = serializers.CharField()
    public_key = serializers.CharField(help_text="Raw Ed25519 public key, base64.")




class PublicApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # nothing here depends on who asks


class AuditCheckpointListApi(PublicApi):
    @extend_schema(
        operation_id="audit_checkpoints_list",
        responses=inline_serializer(
            "AuditCheckpointPage",
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": AuditCheckpointSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.checkpoint_list(), request, view=self)
        return paginator.get_paginated_response(AuditCheckpointSerializer(page, many=True).data)


class AuditCheckpointDetailApi(PublicApi):
    class OutputSerializer(AuditCheckpointSerializer):
        export = AuditCheckpointExportSerializer()

    @extend_schema(operation_id="audit_checkpoints_retrieve", responses=OutputSerializer)
    def get(self, request, number: int):
        checkpoint = selectors.checkpoint_get(number=number)
        data = AuditCheckpointSerializer(checkpoint).data
        data["export"] = selectors.checkpoint_export(checkpoint)
        return Response(data)


class AuditCheckpointExportApi(PublicApi):
    @extend_schema(operation_id="audit_checkpoints_export", responses=AuditCheckpointExportSerializer)
    def get(self, request, number: int):
        checkpoint = selectors.checkpoint_get(number=number)
        response = Response(selectors.checkpoint_export(checkpoint))
        response["Content-Disposition"] = (
            f'attachment; filename="audit-checkpoint-{checkpoint.number}.json"'
        )
        return response


class AuditPublicKeyApi(PublicApi):
    class KeySerializer(serializers.Serializer):
        key_id = serializers.CharField()
        algorithm = serializers.CharField()
        public_key = serializers.CharField(help_text="Raw Ed25519 public key, base64.")
        current = serializers.BooleanField(help_text="Signs new checkpoints.")

    @extend_schema(
        operation_id="audit_public_keys",
        responses=inline_serializer("AuditPublicKeys", {"keys": KeySerializer(many=True)}),
    )
    def get(self, request):
        keys = sorted(verifying_keys().values(), key=lambda k: (not k.current, k.key_id))
        return Response({"keys": [
            {"key_id": k.key_id, "algorithm": ALGORITHM, "public_key": k.text,
             "current": k.current}
            for k in keys
        ]})


class AuditProofThrottle(SimpleRateThrottle):
    """A proof reads every leaf of a checkpoint: its own, lower rate per client address."""

    scope = "audit_proof"

    def get_rate(self):
        return settings.AUDIT_PROOF_THROTTLE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AuditStreamProofApi(PublicApi):
    throttle_classes = [AnonRateThrottle, AuditProofThrottle]

    class FilterSerializer(serializers.Serializer):
        checkpoint = serializers.IntegerField(
            required=False, min_value=1, help_text="Checkpoint number; the newest when absent."
        )

    class OutputSerializer(serializers.Serializer):
        checkpoint = serializers.IntegerField()
        stream = serializers.CharField()
        stream_key = serializers.CharField(help_text="SHA-256 of the stream name, hex.")
        seq = serializers.IntegerField()
        hash = serializers.CharField(help_text="Hash of the stream's event at seq, hex.")
        leaf = serializers.CharField(help_text="stream_key || seq (8 bytes, big-endian) || hash.")
        leaf_index = serializers.IntegerField()
        tree_size = serializers.IntegerField()
        audit_path = serializers.ListField(child=serializers.CharField())
        root_hash = serializers.CharField()
        checkpoint_export = AuditCheckpointExportSerializer()

    @extend_schema(
        operation_id="audit_stream_proof",
        parameters=[FilterSerializer,
                    OpenApiParameter("name", str, OpenApiParameter.PATH,
                                     description="Stream name, e.g. procurement.bid:42")],
        responses=OutputSerializer,
    )
    def get(self, request, name: str):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        proof = selectors.stream_inclusion_proof(
            stream=name, number=filters.validated_data.get("checkpoint")
        )
        return Response(proof)
