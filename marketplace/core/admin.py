"""Admin for the core models: everything here is evidence or machine state, so it is
read-only. Audit events in particular can be looked at, never added, edited or deleted."""

from django.contrib import admin

from marketplace.core.models import (
    AuditCheckpoint,
    AuditCheckpointLeaf,
    AuditEvent,
    AuditStream,
    ChronographHeartbeat,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "stream", "seq", "actor", "object_type", "object_id")
    list_filter = ("action",)
    list_select_related = ("actor",)
    search_fields = ("stream", "action", "object_id")
    date_hierarchy = "created_at"


@admin.register(AuditStream)
class AuditStreamAdmin(ReadOnlyAdmin):
    list_display = ("name", "last_seq", "head_hash")
    search_fields = ("name",)


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAdmin):
    list_display = ("number", "created_at", "tree_size", "event_count", "root_hash", "key_id")
    date_hierarchy = "created_at"


@admin.register(AuditCheckpointLeaf)
class AuditCheckpointLeafAdmin(ReadOnlyAdmin):
    # the checkpoint's number is the foreign key itself: no query per row
    list_display = ("stream", "seq", "checkpoint_id", "hash")
    search_fields = ("stream",)


@admin.register(ChronographHeartbeat)
class ChronographHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("name", "last_tick_at", "handlers_run")
