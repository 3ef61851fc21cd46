"""Index updates run as tasks after the commit of the change they follow.

A failed call to the backend (Elasticsearch down, timeout, 429) raises
``SearchUnavailable`` and is retried with exponential backoff; the task takes ids and is
idempotent, so a retry or a duplicate delivery converges on the same index state.
"""

from __future__ import annotations

from marketplace.celery import app
from marketplace.core.tasks import TransactionAwareTask
from search.backends.base import SearchUnavailable


@app.task(
    name="search.index_documents",
    base=TransactionAwareTask,
    autoretry_for=(SearchUnavailable,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
)
def index_documents(doc_type: str, ids: list[int]) -> dict:
    from search.indexing import index_objects

    # an unregistered type raises ValueError: a programming error, not retried
    change = index_objects(doc_type, [int(i) for i in ids])
    return {"upserted": change.upserted, "deleted": change.deleted}
