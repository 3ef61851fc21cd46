"""Writes to the search index: follow changes of single objects, rebuild everything.

Both re-read the registered type's rows (the owning app's selector), so the index only
ever holds what the selector says may be found (published, public); anything else is
removed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from search.backends.base import Progress, ReindexReport, SearchBackend
from search.documents import document_types, get_document_type

logger = logging.getLogger(__name__)


@dataclass
class IndexChange:
    upserted: int = 0
    deleted: int = 0


def index_objects(doc_type: str, ids: list[int], *,
                  backend: SearchBackend | None = None) -> IndexChange:
    """Upsert the ``ids`` the selector still returns and remove the others (withdrawn,
    unpublished or deleted). Then follow documents that show data of these objects.
    ``ValueError`` for an unregistered type."""
    from search.service import get_backend

    document_type = get_document_type(doc_type)
    backend = backend or get_backend()
    ids = sorted({int(i) for i in ids})
    change = IndexChange()
    if not ids:
        return change
    documents = list(document_type.documents(ids))
    found = {doc.object_id for doc in documents}
    change.upserted = backend.upsert(documents)
    gone = [i for i in ids if i not in found]
    if gone:
        change.deleted = backend.delete(doc_type, gone)
    if document_type.related is not None:
        for object_id in ids:
            for related_type, related_ids in document_type.related(object_id).items():
                if related_ids:
                    sub = index_objects(related_type, related_ids, backend=backend)
                    change.upserted += sub.upserted
                    change.deleted += sub.deleted
    return change


def rebuild(doc_type: str, *, backend: SearchBackend | None = None,
            progress: Progress | None = None) -> ReindexReport:
    """Rebuild one registered document type from its rows, without downtime."""
    from search.service import get_backend

    document_type = get_document_type(doc_type)
    backend = backend or get_backend()
    return backend.reindex(doc_type, document_type.documents(), total=document_type.count(),
                           progress=progress)


def rebuild_all(*, backend: SearchBackend | None = None) -> dict[str, int]:
    return {t.doc_type: rebuild(t.doc_type, backend=backend).indexed for t in document_types()}
