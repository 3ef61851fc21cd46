"""The interface every search backend implements.

A backend stores :class:`~search.documents.SearchDocument` objects and answers a
:class:`~search.contract.BackendQuery` with a :class:`~search.contract.RawResult`.
Both backends give the same result shape for the same query; what the reader sees
(labels in their language, the signed cursor, timing) is added by ``search.service``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from search.contract import BackendQuery, RawResult, RawSuggestion
from search.documents import SearchDocument

# progress(done, total) during a rebuild
Progress = Callable[[int, int], None]


class SearchUnavailable(Exception):
    """The backend could not be reached or refused to work (a fault, not a user error:
    indexing retries it, searching shows a 503)."""


@dataclass
class ReindexReport:
    doc_type: str
    indexed: int
    errors: int
    target: str  # the index or table that now answers
    removed: list[str]  # what was replaced (old indices)


class SearchBackend(ABC):
    #: short name, shown in /healthz and in results
    name: str = ""

    @abstractmethod
    def health(self) -> dict:
        """A small report for /healthz; raises when the backend is unusable."""

    @abstractmethod
    def setup(self) -> None:
        """Create what the backend needs (indices and aliases); idempotent."""

    @abstractmethod
    def search(self, query: BackendQuery) -> RawResult:
        """Hits of one page, facet counts and total. Facet counts are disjunctive: the
        counts of a facet ignore that facet's own filter (so other values stay
        choosable) but honour every other filter."""

    @abstractmethod
    def suggest(self, text: str, *, doc_types: tuple[str, ...], limit: int) -> list[
        RawSuggestion
    ]:
        """Titles completing ``text`` (prefix, and typo-tolerant where supported)."""

    @abstractmethod
    def upsert(self, documents: Iterable[SearchDocument]) -> int:
        """Add or replace documents; returns how many were written."""

    @abstractmethod
    def delete(self, doc_type: str, object_ids: Iterable[int]) -> int:
        """Remove documents; missing ones are ignored. Returns how many were removed."""

    @abstractmethod
    def reindex(self, doc_type: str, documents: Iterable[SearchDocument], *, total: int,
                progress: Progress | None = None) -> ReindexReport:
        """Rebuild everything of ``doc_type`` from ``documents`` without downtime:
        searches keep answering from the old data until the new data is complete."""

    @abstractmethod
    def count(self, doc_type: str) -> int:
        """Number of stored documents of ``doc_type``."""
