"""The unread count in the header on page load (live pushes update it afterwards)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from marketplace.notifications.selectors import notification_unread_count


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}

    def count() -> int:
        # one COUNT query, and only on a page whose template shows the count
        return notification_unread_count(user=user) if user.is_authenticated else 0

    return {"unread_notifications": SimpleLazyObject(count)}
