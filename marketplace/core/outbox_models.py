"""The outbox row: a task to enqueue, kept until the broker took it."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A Celery task waiting to be handed to the broker.

    Written in the same transaction as the change that asked for the task, so the task
    exists exactly when the change does; deleted once the broker accepted it. A row that
    is still here after ``next_attempt_at`` is sent again by the relay (chronograph)."""

    task = models.CharField(_("task"), max_length=200)
    payload = models.TextField(_("arguments"))  # kombu JSON: keeps Decimal, dates, UUIDs
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt at"), db_index=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["next_attempt_at", "pk"]

    def __str__(self):
        return f"{self.task} #{self.pk}"
