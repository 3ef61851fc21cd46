from django.core.mail import send_mail

from marketplace.celery import app
from marketplace.notifications.models import Notification


@app.task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_send_email(notification_id: int) -> bool:
    note = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if note is None:
        return False
    send_mail(note.title, note.body or note.title, None, [note.user.email])
    return True
