"""Notify a person: stored in-app, pushed over their websocket after commit, and mailed.

The websocket push is the last step and happens only once the transaction commits, so
a rolled-back action never notifies anyone.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from marketplace.core.mail import mail_once
from marketplace.core.tasks import enqueue
from marketplace.notifications.models import Notification

NOTIFICATION_MAIL_TASK = "notifications.notification_send_email"

logger = logging.getLogger(__name__)

MARK_READ_LIMIT = 500


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def push_to_group(group: str, event_type: str, payload: dict) -> None:
    """Send ``payload`` to a Channels group after the current transaction commits.

    A push is best effort: the change it announces is already committed, so a channel
    layer that is down is logged, never raised into the request."""

    def send():
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(group, {"type": event_type, "payload": payload})
        except Exception:
            logger.exception("push to channel group %s failed", group)

    transaction.on_commit(send)


def notification_payload(note: Notification) -> dict:
    return {
        "id": note.pk,
        "kind": note.kind,
        "title": note.title,
        "body": note.body,
        "url": note.url,
        "created_at": note.created_at.isoformat(),
    }


def notification_create(
    *, user, kind: str, title: str, body: str = "", url: str = "", email: bool = False
) -> Notification:
    note = Notification.objects.create(user=user, kind=kind, title=title, body=body, url=url)
    push_to_group(user_group(user.pk), "notification.message", notification_payload(note))
    if email and user.email:
        enqueue(NOTIFICATION_MAIL_TASK, note.pk)  # after commit, through the outbox
    return note


def notification_mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's own unread notifications read (all of them when ids is None).

    Ids of other people's notifications are ignored, never touched. Returns how many
    were marked."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids)[:MARK_READ_LIMIT])
    return unread.update(read_at=timezone.now())


def notification_send_email(*, notification_id: int) -> bool:
    """Mail one notification once (``core.mail.mail_once``: no lock held while the mail
    server is talked to); returns whether this call sent it."""
    return mail_once(
        Notification.objects.select_related("user").filter(pk=notification_id),
        claim_field="emailed_at",
        compose=lambda note: (note.title, note.body or note.title,
                              [note.user.email] if note.user.email else []),
    )
