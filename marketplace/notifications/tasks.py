from marketplace.celery import app
from marketplace.notifications import services


@app.task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_send_email(notification_id: int) -> bool:
    return services.notification_send_email(notification_id=notification_id)
