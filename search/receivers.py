"""Follow the owning apps' change signals (sent after commit, carrying ids).

A receiver only enqueues a task and never raises into the sender: a broken broker or
search server must not turn a maker's successful save into an error page. Failures are
logged; the next change or ``manage.py search_reindex`` repairs the index.
"""

from __future__ import annotations

import logging

from marketplace.core.tasks import enqueue

logger = logging.getLogger(__name__)


def _dispatch_uid(doc_type: str) -> str:
    return f"search:{doc_type}"


def _receiver(doc_type: str, id_kwarg: str):
    def on_change(sender=None, **kwargs):
        try:
            enqueue("search.index_documents", doc_type, [int(kwargs[id_kwarg])])
        except Exception:  # never break the caller's save
            logger.exception("search: could not queue the index update of %s %s",
                             doc_type, kwargs.get(id_kwarg))

    on_change.__name__ = f"search_follow_{doc_type}"
    return on_change


def follow(document_type) -> None:
    """Connect a registered type's change signal to an index task."""
    document_type.signal.connect(
        _receiver(document_type.doc_type, document_type.id_kwarg), weak=False,
        dispatch_uid=_dispatch_uid(document_type.doc_type))


def unfollow(document_type) -> None:
    document_type.signal.disconnect(dispatch_uid=_dispatch_uid(document_type.doc_type))
