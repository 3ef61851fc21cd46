"""Public audit API under /api/audit/ (marketplace/core/api_audit.py)."""

from django.urls import path

from marketplace.core import api_audit

urlpatterns = [
    path("audit/checkpoints/", api_audit.AuditCheckpointListApi.as_view(),
         name="audit-checkpoint-list"),
    path("audit/checkpoints/<int:number>/", api_audit.AuditCheckpointDetailApi.as_view(),
         name="audit-checkpoint-detail"),
    path("audit/checkpoints/<int:number>/export/", api_audit.AuditCheckpointExportApi.as_view(),
         name="audit-checkpoint-export"),
    path("audit/public-key/", api_audit.AuditPublicKeyApi.as_view(), name="audit-public-key"),
    path("audit/streams/<path:name>/proof/", api_audit.AuditStreamProofApi.as_view(),
         name="audit-stream-proof"),
]
