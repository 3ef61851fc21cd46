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

from marketplace.notifications.models import Notification

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
        from marketplace.notifications.tasks import notification_send_email

        notification_send_email.delay(note.pk)
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
    """Mail one notification once. The row lock and ``emailed_at`` make a retried or
    duplicated task a no-op. Returns whether a mail was sent."""
    from django.core.mail import send_mail

    with transaction.atomic():
        note = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if note is None or not note.user.email:
            return False
        send_mail(note.title, note.body or note.title, None, [note.user.email])
        note.emailed_at = timezone.now()
        note.save(update_fields=["emailed_at"])
    return True
