from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.core.audit import GENESIS


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk ``update()`` and ``delete()`` bypass ``Model.save``/``delete``: refuse them too."""

    def update(self, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def delete(self):
        raise AppendOnlyError("audit events are append-only")

    update.queryset_only = True
    delete.queryset_only = True


class AuditStream(models.Model):
    """Head of one hash chain: the last sequence number and hash."""

    name = models.CharField(max_length=200, primary_key=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("audit stream")

    def __str__(self):
        return f"{self.name} #{self.last_seq}"


class AuditEvent(models.Model):
    """One state change. Append-only: the model refuses updates and deletes, and on
    PostgreSQL a trigger refuses them too (see migration 0002)."""

    stream = models.CharField(max_length=200, db_index=True)
    seq = models.PositiveBigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    action = models.CharField(max_length=100, db_index=True)
    # DO_NOTHING without a database constraint: the actor id is part of the hash, so
    # deleting a user must leave it as it was (SET_NULL would break the chain, and the
    # append-only trigger refuses the UPDATE anyway).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
        related_name="+", db_constraint=False,
    )
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        ordering = ["stream", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="audit_stream_seq_unique")
        ]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")


class ChronographHeartbeat(models.Model):
    """When the periodic chronograph task last ran; /healthz reads it."""

    name = models.CharField(max_length=50, primary_key=True)
    last_tick_at = models.DateTimeField()
    handlers_run = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.name} @ {self.last_tick_at:%Y-%m-%d %H:%M:%S}"
