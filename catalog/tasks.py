"""Catalogue tasks. They take ids, are enqueued on commit and are idempotent."""

from catalog.services.images import product_image_thumbnail_generate
from marketplace.celery import app
from marketplace.core.tasks import TransactionAwareTask


@app.task(
    name="catalog.product_image_make_thumbnail", base=TransactionAwareTask,
    autoretry_for=(OSError,), retry_backoff=True, max_retries=3,
)
def product_image_make_thumbnail(image_id: int) -> bool:
    return product_image_thumbnail_generate(image_id=image_id)
