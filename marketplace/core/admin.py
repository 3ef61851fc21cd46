"""Admin helpers every app uses, and the admin of the core models.

Everything the core stores is evidence or machine state, so it is read-only here. Audit
events in particular can be looked at, never added, edited or deleted.

- ``ReadOnlyAdmin`` / ``ReadOnlyInline``: rows only the services write;
- ``AuditedAdminMixin``: an admin that saves directly records an audit event;
- ``ServiceFormMixin``: an admin form refuses what the app's service would refuse; the
  admin's ``save_model`` then calls the service, so staff edits pass the same rules, audit
  events and change signals as every other write.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError

from marketplace.core.audit import audit_log
from marketplace.core.errors import DomainError
from marketplace.core.models import (
    AuditCheckpoint,
    AuditCheckpointLeaf,
    AuditEvent,
    AuditStream,
    ChronographHeartbeat,
    OutboxMessage,
)


class ReadOnlyAdminMixin:
    """Rows written only by the services: viewable, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class AuditedAdminMixin:
    """For the few admins that save a model directly (Django's user admin): record which
    fields changed, and by whom. ``audit_actions`` maps "changed", "created" and "deleted"
    to the app's declared audit actions."""

    audit_actions: dict = {}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        fields = sorted(f for f in form.changed_data if not f.startswith("password"))
        if fields or not change:
            audit_log(actor=request.user, obj=obj, data={"fields": fields},
                      action=self.audit_actions["changed" if change else "created"])

    def delete_model(self, request, obj):
        audit_log(actor=request.user, obj=obj, action=self.audit_actions["deleted"],
                  data={"repr": str(obj)})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ServiceFormMixin:
    """An admin form whose ``clean()`` runs the app's cleaning function (the one its
    service runs before writing) on the changed fields, so the admin refuses on the form
    what the service would refuse. Set ``clean_changes = staticmethod(fn)`` where
    ``fn(instance, changes) -> cleaned`` raises a ``DomainError``."""

    clean_changes = None

    def clean(self):
        cleaned = super().clean()
        changes = {f: cleaned[f] for f in self.changed_data if f in cleaned}
        if changes and self.clean_changes is not None:
            try:
                self.clean_changes(self.instance, changes)
            except DomainError as exc:
                raise ValidationError(str(exc.message)) from exc
        return cleaned


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


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("task", "created_at", "next_attempt_at", "attempts", "last_error")
    search_fields = ("task",)
