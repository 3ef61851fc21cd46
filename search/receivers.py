"""Follow the owning apps' change signals (sent after commit, carrying ids).

A receiver only enqueues a task and never raises into the sender: a broken broker or
search server must not turn a maker's successful save into an error page. Failures are
logged; the next change or ``manage.py search_reindex`` repairs the index.
"""

from __future__ import annotations

import logging

from django.dispatch import Signal
from django.utils.module_loading import import_string

from search.documents import DocumentSource, registered_sources

logger = logging.getLogger(__name__)


def _receiver(source: DocumentSource):
    def on_change(sender=None, **kwargs):
        try:
            from search.tasks import index_documents

            object_id = kwargs[source.id_kwarg]
            index_documents.delay(source.doc_type, [int(object_id)])
        except Exception:  # never break the caller's save
            logger.exception("search: could not queue the index update of %s %s",
                             source.doc_type, kwargs.get(source.id_kwarg))

    on_change.__name__ = f"search_follow_{source.doc_type}"
    return on_change


def connect_receivers() -> list[str]:
    """Connect every registered source whose app provides its signal; returns the
    connected signal paths."""
    connected = []
    for source in registered_sources():
        if not source.signal:
            continue
        try:
            signal = import_string(source.signal)
        except ImportError:
            continue
        if not isinstance(signal, Signal):
            continue
        signal.connect(_receiver(source), weak=False, dispatch_uid=f"search:{source.doc_type}")
        connected.append(source.signal)
    return connected
