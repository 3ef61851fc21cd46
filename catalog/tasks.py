"""Catalogue tasks. They take ids, are enqueued on commit (through the outbox) and are
idempotent. Tasks import services; services enqueue by task name."""

from catalog.services.images import THUMBNAIL_TASK, product_image_thumbnail_generate
from marketplace.celery import app
from marketplace.core.tasks import TransactionAwareTask


@app.task(
    name=THUMBNAIL_TASK, base=TransactionAwareTask,
    autoretry_for=(OSError,), retry_backoff=True, max_retries=3,
)
def product_image_make_thumbnail(image_id: int) -> bool:
    return product_image_thumbnail_generate(image_id=image_id)
