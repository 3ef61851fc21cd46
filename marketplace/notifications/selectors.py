from django.db.models import QuerySet

from marketplace.notifications.models import Notification


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    notes = Notification.objects.filter(user=user)
    if unread_only:
        notes = notes.filter(read_at__isnull=True)
    return notes.order_by("-created_at", "-id")


def notification_unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
