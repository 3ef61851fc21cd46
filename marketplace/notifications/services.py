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
    """Mail one notification once; returns whether this call sent it.

    Call it outside a transaction (the task does). No lock is held while the mail
    server is talked to: a short UPDATE claims the notification (``emailed_at`` set
    where it was empty, so a duplicated or concurrent task finds nothing to claim),
    the mail goes out after that commit, and a failed send clears the claim so the
    task's retry sends it again. A crash between claim and send loses that one mail
    rather than ever sending it twice."""
    from django.core.mail import send_mail

    note = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if note is None or note.emailed_at is not None or not note.user.email:
        return False
    claimed_at = timezone.now()
    # one UPDATE: its own short transaction, the row lock ends with it
    claimed = Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(
        emailed_at=claimed_at
    )
    if not claimed:
        return False
    try:
        send_mail(note.title, note.body or note.title, None, [note.user.email])
    except Exception:
        Notification.objects.filter(pk=note.pk, emailed_at=claimed_at).update(emailed_at=None)
        raise
    return True
