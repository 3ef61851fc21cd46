"""Notification tasks: thin wrappers taking ids. Tasks import services, never the
other way round (services enqueue by task name)."""

from marketplace.celery import app
from marketplace.core.tasks import TransactionAwareTask
from marketplace.notifications import services


@app.task(name=services.NOTIFICATION_MAIL_TASK, base=TransactionAwareTask,
          autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_send_email(notification_id: int) -> bool:
    return services.notification_send_email(notification_id=notification_id)
