from django.contrib import admin

from marketplace.core.models import AuditEvent, AuditStream, ChronographHeartbeat


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "stream", "seq", "actor", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("stream", "action", "object_id")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(AuditStream)
class AuditStreamAdmin(admin.ModelAdmin):
    list_display = ("name", "last_seq", "head_hash")
    search_fields = ("name",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChronographHeartbeat)
class ChronographHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "last_tick_at", "handlers_run")
