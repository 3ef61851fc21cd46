"""Search documents and the registry of their sources.

A :class:`SearchDocument` is the one, backend-neutral shape of everything that can be
found: both backends store exactly these fields. A :class:`DocumentSource` says where
the documents of one type come from: a selector of the owning app (read lazily by dotted
path, so ``search`` never imports an app that is not there yet), a builder that turns a
selected row into a document, and optionally the signal that announces changes.

Products and makerspaces come from ``catalog.selectors``. Campaigns and procurement
notices have their builders and mappings here already; their sources become active as
soon as ``crowdfunding.selectors.campaigns_for_index`` and
``procurement.selectors.notices_for_index`` exist (see ``search.sources``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from search.contract import DOC_TYPES

logger = logging.getLogger(__name__)


@dataclass
class SearchDocument:
    doc_type: str
    object_id: int
    url: str
    title_zh: str = ""
    title_en: str = ""
    summary_zh: str = ""
    summary_en: str = ""
    body_zh: str = ""
    body_en: str = ""
    # Other searchable words with the lowest weight: organisation, category and
    # makerspace names, focus areas, specifications.
    keywords: str = ""
    category: str = ""  # materialised path, e.g. "smart-hardware/sensors"
    category_label_zh: str = ""
    category_label_en: str = ""
    district: str = ""
    makerspace: str = ""  # slug
    makerspace_label_zh: str = ""
    makerspace_label_en: str = ""
    stage: str = ""
    certified: bool | None = None
    first_set: bool | None = None
    price: Decimal | None = None
    currency: str = ""
    status: str = ""
    created_at: datetime = field(default_factory=timezone.now)
    suggest: list[str] = field(default_factory=list)
    # Display-only data (organisation name, certificate expiry, goal ...), stored as is.
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.doc_type not in DOC_TYPES:
            raise ValueError(f"unknown document type {self.doc_type!r}")

    @property
    def key(self) -> str:
        """Unique across types: the tie-breaker of every sort."""
        return f"{self.doc_type}:{self.object_id}"

    @property
    def category_paths(self) -> list[str]:
        """The category and its ancestors: filtering by a node finds its subtree."""
        if not self.category:
            return []
        parts = self.category.split("/")
        return ["/".join(parts[: i + 1]) for i in range(len(parts))]

    def title(self, language: str) -> str:
        return pick(self.title_zh, self.title_en, language)

    def as_dict(self) -> dict:
        return asdict(self)


def pick(zh: str, en: str, language: str) -> str:
    """The text in the reader's language, falling back to the other one."""
    if (language or "").lower().startswith("en"):
        return en or zh
    return zh or en


# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentSource:
    """Where the documents of one type come from.

    ``selector``: dotted path of ``fn(*, ids: list[int] | None) -> QuerySet | iterable``
    giving only the rows that may be found (published, public), in primary-key order.
    ``build``: row -> :class:`SearchDocument`.
    ``signal``/``id_kwarg``: dotted path of the owning app's change signal and the name
    of the id it carries; the search app follows it and re-reads the row.
    ``related``: optional ``fn(object_id) -> {doc_type: [ids]}`` naming other documents
    that show data of this object (a renamed makerspace changes its products).
    """

    doc_type: str
    selector: str
    build: Callable[[object], SearchDocument]
    signal: str = ""
    id_kwarg: str = ""
    related: Callable[[int], dict[str, list[int]]] | None = None

    def available(self) -> bool:
        try:
            self.select()
        except ImportError:
            return False
        return True

    def select(self) -> Callable:
        return import_string(self.selector)

    def rows(self, ids: list[int] | None = None) -> Iterable:
        return self.select()(ids=ids)

    def count(self) -> int:
        rows = self.rows()
        if isinstance(rows, QuerySet):
            return rows.count()
        return sum(1 for _ in rows)

    def documents(self, ids: list[int] | None = None, *, chunk_size: int = 1000) -> Iterator[
        SearchDocument
    ]:
        rows = self.rows(ids)
        # prefetch_related needs a chunk size with iterator()
        if isinstance(rows, QuerySet):
            rows = rows.iterator(chunk_size=chunk_size)
        for row in rows:
            yield self.build(row)


_sources: dict[str, DocumentSource] = {}


def register_source(source: DocumentSource) -> DocumentSource:
    if source.doc_type not in DOC_TYPES:
        raise ValueError(f"unknown document type {source.doc_type!r}")
    _sources[source.doc_type] = source
    return source


def get_source(doc_type: str) -> DocumentSource | None:
    return _sources.get(doc_type)


def active_sources() -> list[DocumentSource]:
    """Sources whose owning app provides its selector, in DOC_TYPES order."""
    return [s for t in DOC_TYPES if (s := _sources.get(t)) is not None and s.available()]


# Vocabularies of facets whose values are data (category paths, makerspace slugs):
# ``fn(values) -> the subset that exists``. Registered by the source that owns the data.
_vocabularies: dict[str, Callable[[list[str]], set[str]]] = {}


def register_vocabulary(facet: str, known: Callable[[list[str]], set[str]]) -> None:
    _vocabularies[facet] = known


def unknown_values(facet: str, values: Iterable[str]) -> list[str]:
    """Values no source knows; empty when no vocabulary is registered for ``facet``."""
    known = _vocabularies.get(facet)
    values = list(dict.fromkeys(values))
    if known is None or not values:
        return []
    found = known(values)
    return [v for v in values if v not in found]


def registered_sources() -> list[DocumentSource]:
    """Every registered source, available or not (yet)."""
    return [s for t in DOC_TYPES if (s := _sources.get(t)) is not None]
