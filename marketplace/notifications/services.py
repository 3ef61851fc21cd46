"""Notify a person: stored in-app, pushed over their websocket after commit, and mailed.

The websocket push is the last step and happens only once the transaction commits, so
a rolled-back action never notifies anyone.
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from marketplace.notifications.models import Notification


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def push_to_group(group: str, event_type: str, payload: dict) -> None:
    """Send ``payload`` to a Channels group after the current transaction commits."""

    def send():
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, {"type": event_type, "payload": payload})

    transaction.on_commit(send)


def notification_create(
    *, user, kind: str, title: str, body: str = "", url: str = "", email: bool = False
) -> Notification:
    note = Notification.objects.create(user=user, kind=kind, title=title, body=body, url=url)
    push_to_group(
        user_group(user.pk),
        "notification.message",
        {"id": note.pk, "kind": kind, "title": title, "body": body, "url": url,
         "created_at": note.created_at.isoformat()},
    )
    if email and user.email:
        from marketplace.notifications.tasks import notification_send_email

        notification_send_email.delay(note.pk)
    return note


def notification_mark_read(*, user, notification_ids: list[int]) -> int:
    from django.utils import timezone

    return Notification.objects.filter(
        user=user, pk__in=notification_ids, read_at__isnull=True
    ).update(read_at=timezone.now())
