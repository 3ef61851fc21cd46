"""Writes to the search index: follow changes of single objects, rebuild everything.

Both re-read the owning app's selector, so the index only ever holds what the selector
says may be found (published, public); anything else is removed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from search.backends.base import Progress, ReindexReport, SearchBackend
from search.contract import DOC_TYPES
from search.documents import active_sources, get_source

logger = logging.getLogger(__name__)


@dataclass
class IndexChange:
    upserted: int = 0
    deleted: int = 0


def index_objects(doc_type: str, ids: list[int], *,
                  backend: SearchBackend | None = None) -> IndexChange:
    """Upsert the ``ids`` the selector still returns and remove the others (withdrawn,
    unpublished or deleted). Then follow documents that show data of these objects."""
    from search.service import get_backend

    backend = backend or get_backend()
    source = get_source(doc_type)
    ids = sorted({int(i) for i in ids})
    change = IndexChange()
    if source is None or not source.available() or not ids:
        return change
    documents = list(source.documents(ids))
    found = {doc.object_id for doc in documents}
    change.upserted = backend.upsert(documents)
    gone = [i for i in ids if i not in found]
    if gone:
        change.deleted = backend.delete(doc_type, gone)
    if source.related is not None:
        for object_id in ids:
            for related_type, related_ids in source.related(object_id).items():
                if related_ids:
                    sub = index_objects(related_type, related_ids, backend=backend)
                    change.upserted += sub.upserted
                    change.deleted += sub.deleted
    return change


def rebuild(doc_type: str, *, backend: SearchBackend | None = None,
            progress: Progress | None = None) -> ReindexReport:
    """Rebuild one document type from its source (empty when the source's app is not
    installed yet), without downtime."""
    from search.service import get_backend

    if doc_type not in DOC_TYPES:
        raise ValueError(f"unknown document type {doc_type!r}")
    backend = backend or get_backend()
    source = get_source(doc_type)
    if source is None or not source.available():
        return backend.reindex(doc_type, iter(()), total=0, progress=progress)
    return backend.reindex(doc_type, source.documents(), total=source.count(),
                           progress=progress)


def rebuild_all(*, backend: SearchBackend | None = None) -> dict[str, int]:
    return {s.doc_type: rebuild(s.doc_type, backend=backend).indexed for s in active_sources()}
