"""Search documents, and the registry of document types: the one place that says what
can be found.

A :class:`SearchDocument` is the one, backend-neutral shape of everything that can be
found: both backends store exactly these fields.

**The contract for an app.** Search knows no feature app. An app that wants its objects
found calls :func:`register_document_type` from its ``AppConfig.ready()`` (only when
``search`` is installed), giving:

* ``rows(*, ids=None)``: its selector of the rows that may be found (published,
  public, secrets redacted), in primary-key order; ``ids`` restricts it;
* ``build(row) -> SearchDocument``;
* ``signal`` and ``id_kwarg``: the change signal it sends *after commit* carrying the
  object's id (search follows it with an index task, re-reading ``rows(ids=[id])``:
  a row no longer returned is removed from the index);
* ``label`` / ``item_label``: the type's name in the type facet ("Products") and on a
  hit ("Product"), lazily translated;
* ``facets``: which of :data:`search.contract.FACETS` its documents carry;
* ``statuses``: labels of the public statuses its documents may have (the ``status``
  facet and filter accept exactly the registered ones); ``value_labels``: labels of
  other enumerated facet values (``{"stage": ...}``);
* ``vocabularies``: ``{facet: fn(values) -> the subset that exists}`` for facets whose
  values are data (category paths, makerspace slugs), so filters refuse unknown values;
* ``index_name`` (the Elasticsearch alias suffix, ``<doc_type>s`` by default) and
  ``index_fields``: extra Elasticsearch fields taken from ``document.extra``
  (``{"ends_at": "date"}``; kinds: keyword, date, integer, float, boolean);
* ``related(object_id) -> {doc_type: [ids]}``: other documents showing this object's
  data (a renamed makerspace changes its products).

The type facet, the API's type choices, the Elasticsearch indices and the page show
exactly the registered types. Catalog's registration (``catalog/search.py``) is the
example to copy; ``docs/architecture.md`` shows it for campaigns and notices.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone

from marketplace.core.locale import pick as locale_pick
from search.contract import FACETS

logger = logging.getLogger(__name__)

INDEX_FIELD_KINDS = frozenset({"keyword", "date", "integer", "float", "boolean"})
DOC_TYPE_NAME_MAX = 20  # the width of the database index's doc_type column


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
    # Identifiers as written (model number, catalogue reference, certificate numbers,
    # credit code): indexed as whole tokens in their usual variants, boosted when a
    # query is exactly one of them.
    codes: list[str] = field(default_factory=list)
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

    @property
    def matching_keywords(self) -> str:
        """The keywords with the identifiers as written, so that a code also matches
        word by word ("SD 2026 001"); every backend indexes this as the keywords."""
        return " ".join(p for p in (self.keywords, *self.codes) if p)

    def as_dict(self) -> dict:
        return asdict(self)


pick = locale_pick  # the text in the reader's language (marketplace.core.locale.pick)


# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentType:
    """One registered type of document (see the module docstring for the contract)."""

    doc_type: str
    label: object
    rows: Callable[..., Iterable]
    build: Callable[[object], SearchDocument]
    item_label: object = None
    signal: Signal | None = None
    id_kwarg: str = ""
    related: Callable[[int], dict[str, list[int]]] | None = None
    facets: frozenset[str] = frozenset()
    statuses: Mapping[str, object] = field(default_factory=dict)
    value_labels: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    vocabularies: Mapping[str, Callable[[list[str]], set[str]]] = field(default_factory=dict)
    index_name: str = ""
    index_fields: Mapping[str, str] = field(default_factory=dict)

    def documents(self, ids: list[int] | None = None, *, chunk_size: int = 1000) -> Iterator[
        SearchDocument
    ]:
        rows = self.rows(ids=ids)
        # prefetch_related needs a chunk size with iterator()
        if isinstance(rows, QuerySet):
            rows = rows.iterator(chunk_size=chunk_size)
        for row in rows:
            yield self.build(row)

    def count(self) -> int:
        rows = self.rows(ids=None)
        if isinstance(rows, QuerySet):
            return rows.count()
        return sum(1 for _ in rows)


_types: dict[str, DocumentType] = {}


def register_document_type(
    doc_type: str,
    *,
    label,
    rows: Callable[..., Iterable],
    build: Callable[[object], SearchDocument],
    item_label=None,
    signal: Signal | None = None,
    id_kwarg: str = "",
    related: Callable[[int], dict[str, list[int]]] | None = None,
    facets: Iterable[str] = (),
    statuses: Mapping[str, object] | None = None,
    value_labels: Mapping[str, Mapping[str, object]] | None = None,
    vocabularies: Mapping[str, Callable[[list[str]], set[str]]] | None = None,
    index_name: str = "",
    index_fields: Mapping[str, str] | None = None,
) -> DocumentType:
    """Make ``doc_type`` searchable (idempotent: registering again replaces it, as a
    reloaded app does). Raises ``ValueError`` on a contract violation."""
    if not doc_type.isidentifier() or not doc_type.islower() or (
            len(doc_type) > DOC_TYPE_NAME_MAX):
        raise ValueError(f"document type names are short lower-case identifiers: {doc_type!r}")
    facets = frozenset(facets)
    unknown = (facets - set(FACETS)) | (facets & {"doc_type"})
    if unknown:
        raise ValueError(f"unknown facets for {doc_type!r}: {sorted(unknown)}")
    if statuses and "status" not in facets:
        raise ValueError(f"{doc_type!r} registers statuses without the status facet")
    kinds = set((index_fields or {}).values()) - INDEX_FIELD_KINDS
    if kinds:
        raise ValueError(f"unknown index field kinds for {doc_type!r}: {sorted(kinds)}")
    if signal is not None and not id_kwarg:
        raise ValueError(f"{doc_type!r}: a signal needs the name of the id it carries")
    unregister_document_type(doc_type)
    registered = DocumentType(
        doc_type=doc_type, label=label, item_label=item_label or label, rows=rows,
        build=build, signal=signal, id_kwarg=id_kwarg, related=related, facets=facets,
        statuses=dict(statuses or {}), value_labels=dict(value_labels or {}),
        vocabularies=dict(vocabularies or {}), index_name=index_name or f"{doc_type}s",
        index_fields=dict(index_fields or {}),
    )
    _types[doc_type] = registered
    if signal is not None:
        from search.receivers import follow

        follow(registered)
    return registered


def unregister_document_type(doc_type: str) -> None:
    """Forget a type (tests, an app that is switched off); its signal is no longer
    followed. Documents already indexed stay until the next rebuild of that type."""
    previous = _types.pop(doc_type, None)
    if previous is not None and previous.signal is not None:
        from search.receivers import unfollow

        unfollow(previous)


def document_types() -> list[DocumentType]:
    """Every registered type, in registration order (the order the type facet uses)."""
    return list(_types.values())


def type_names() -> tuple[str, ...]:
    return tuple(_types)


def get_document_type(doc_type: str) -> DocumentType:
    """The registered type; ``ValueError`` for a name no app registered."""
    try:
        return _types[doc_type]
    except KeyError:
        raise ValueError(f"unknown document type {doc_type!r}") from None


def types_with_facet(facet: str) -> set[str]:
    return {t.doc_type for t in _types.values() if facet in t.facets}


def status_labels() -> dict[str, object]:
    """Every registered public status with its label (first registration wins)."""
    labels: dict[str, object] = {}
    for t in _types.values():
        for value, label in t.statuses.items():
            labels.setdefault(value, label)
    return labels


def value_labels(facet: str) -> dict[str, object]:
    """Registered labels of ``facet``'s values (``stage``: the product stages)."""
    if facet == "status":
        return status_labels()
    labels: dict[str, object] = {}
    for t in _types.values():
        for value, label in t.value_labels.get(facet, {}).items():
            labels.setdefault(value, label)
    return labels


def unknown_values(facet: str, values: Iterable[str]) -> list[str]:
    """Values of a data-valued facet that no registered vocabulary knows; empty when no
    type registers a vocabulary for ``facet``."""
    values = list(dict.fromkeys(values))
    # one check per vocabulary, however many types share it (one query each)
    checks = list(dict.fromkeys(t.vocabularies[facet] for t in _types.values()
                                if facet in t.vocabularies))
    if not checks or not values:
        return []
    found: set[str] = set()
    for known in checks:
        found |= known(values)
    return [v for v in values if v not in found]
