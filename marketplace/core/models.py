from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.core.audit import GENESIS
from marketplace.core.outbox_models import OutboxMessage  # noqa: F401  (a core model)


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk ``update()`` and ``delete()`` bypass ``Model.save``/``delete``: refuse them too."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")

    update.queryset_only = True
    delete.queryset_only = True


class AppendOnlyModel(models.Model):
    """A row is inserted once and never changed or deleted through the ORM (PostgreSQL
    refuses it too, see migrations 0002 and 0005)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only")


class AuditStream(models.Model):
    """Head of one hash chain: the last sequence number and hash."""

    name = models.CharField(_("stream"), max_length=200, primary_key=True)
    last_seq = models.PositiveBigIntegerField(_("last sequence number"), default=0)
    head_hash = models.CharField(_("head hash"), max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("audit stream")
        verbose_name_plural = _("audit streams")

    def __str__(self):
        return f"{self.name} #{self.last_seq}"


class AuditEvent(AppendOnlyModel):
    """One state change. Append-only: the model refuses updates and deletes, and on
    PostgreSQL a trigger refuses them too (see migration 0002)."""

    stream = models.CharField(_("stream"), max_length=200, db_index=True)
    seq = models.PositiveBigIntegerField(_("sequence number"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    # DO_NOTHING without a database constraint: the actor id is part of the hash, so
    # deleting a user must leave it as it was (SET_NULL would break the chain, and the
    # append-only trigger refuses the UPDATE anyway).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
        related_name="+", db_constraint=False, verbose_name=_("actor"),
    )
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["stream", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="audit_stream_seq_unique")
        ]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.action} {self.object_type}:{self.object_id}"


class AuditCheckpoint(AppendOnlyModel):
    """A signed statement over every stream head at one moment (docs/audit.md): the RFC
    9162 Merkle root over the heads, chained to the previous checkpoint by its hash.
    ``statement`` is the exact signed text; the other columns repeat it for queries, and
    ``audit_verify`` checks that they agree. Append-only like the events (migration 0005
    adds the PostgreSQL triggers); inserted only through ``audit_checkpoint_create``."""

    number = models.PositiveBigIntegerField(_("number"), primary_key=True)
    created_at = models.DateTimeField(_("time"))
    tree_size = models.PositiveBigIntegerField(_("streams"))
    event_count = models.PositiveBigIntegerField(_("events"))
    root_hash = models.CharField(_("root hash"), max_length=64)
    prev_hash = models.CharField(_("previous checkpoint hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    key_id = models.CharField(_("key id"), max_length=64)
    signature = models.CharField(_("signature"), max_length=128)
    statement = models.TextField(_("signed statement"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["-number"]

    def __str__(self):
        return f"#{self.number} ({self.tree_size}) {self.root_hash[:12]}"


class AuditCheckpointLeaf(AppendOnlyModel):
    """A stream head as a checkpoint first covered it. Only heads that moved since the
    previous checkpoint get a row, so the leaves of checkpoint N are, per stream, the row
    with the highest sequence number among checkpoints 1..N."""

    checkpoint = models.ForeignKey(
        AuditCheckpoint, on_delete=models.PROTECT, related_name="new_leaves",
        verbose_name=_("checkpoint"),
    )
    stream = models.CharField(_("stream"), max_length=200)
    seq = models.PositiveBigIntegerField(_("sequence number"))
    hash = models.CharField(_("hash"), max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit checkpoint leaf")
        verbose_name_plural = _("audit checkpoint leaves")
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="audit_leaf_stream_seq_unique")
        ]

    def __str__(self):
        return f"{self.stream} #{self.seq} @{self.checkpoint_id}"


class ChronographHeartbeat(models.Model):
    """When the periodic chronograph task last ran; /healthz reads it."""

    name = models.CharField(_("name"), max_length=50, primary_key=True)
    last_tick_at = models.DateTimeField(_("last tick"))
    handlers_run = models.PositiveIntegerField(_("handlers run"), default=0)

    class Meta:
        verbose_name = _("chronograph heartbeat")
        verbose_name_plural = _("chronograph heartbeats")

    def __str__(self):
        return f"{self.name} @ {self.last_tick_at:%Y-%m-%d %H:%M:%S}"
